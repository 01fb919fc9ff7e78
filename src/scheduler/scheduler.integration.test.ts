// The scheduler against the real in-process API server (memory datastore): the seed 004 drain message,
// binding through pods/binding, and the PodScheduled condition as kubectl describe shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { InformerFactory } from '../client/informer.js';
import { memoryServer } from '../apiserver/testing/harness.js';
import { startScheduler } from './index.js';
import { CONTROL_PLANE_TAINT, eventually, localPV, node, pod, pvc, storageClass } from './testing/fixtures.js';
import type { Pod } from '../util/types.js';

const DRAIN_MSG = '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';

test('seed 004 drain: the replacement pod stays Pending with the upstream FailedScheduling message', async () => {
  const server = await memoryServer();
  const client = server.client();
  const informers = new InformerFactory(client);
  const s = await startScheduler({ client, informers });
  try {
    await client.create(R.nodes, undefined, node('k8s-m', { taints: [CONTROL_PLANE_TAINT], labels: { 'node-role.kubernetes.io/control-plane': '' } }));
    for (const n of ['k8s-w1', 'k8s-w2', 'k8s-w3']) await client.create(R.nodes, undefined, node(n));
    await client.create(R.storageclasses, undefined, storageClass('local-storage'));
    // A local volume on k8s-w1 bound to the claim (the PV controller's writes, done by hand here).
    const claim = await client.create(R.persistentvolumeclaims, 'default', pvc('pod-pv-claim'));
    const pv = localPV('pvc-1', 'k8s-w1', { claim: { name: 'pod-pv-claim', uid: claim.metadata.uid } });
    delete (pv as KObject).status;
    await client.create(R.persistentvolumes, undefined, pv);
    await client.patch(R.persistentvolumes, undefined, 'pvc-1', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
    await client.patch(R.persistentvolumeclaims, 'default', 'pod-pv-claim', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pvc-1' } });
    await client.patch(R.persistentvolumeclaims, 'default', 'pod-pv-claim', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });

    // Before the drain the pod lands on k8s-w1.
    await client.create(R.pods, 'default', pod('date-pod-1', { claims: ['pod-pv-claim'] }));
    assert.equal(await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'date-pod-1')).spec.nodeName, 3000, 'bind'), 'k8s-w1');
    const scheduled = await eventually(async () => (await client.list(R.events, 'default')).items.find((e) => e.reason === 'Scheduled'), 3000, 'Scheduled event');
    assert.equal(scheduled.message, 'Successfully assigned default/date-pod-1 to k8s-w1');

    // kubectl drain: cordon (the node lifecycle controller adds the taint; here only spec.unschedulable), evict.
    await client.patch(R.nodes, undefined, 'k8s-w1', 'strategic', { spec: { unschedulable: true } });
    await client.delete(R.pods, 'default', 'date-pod-1', { gracePeriodSeconds: 0 });
    await client.create(R.pods, 'default', pod('date-pod-2', { claims: ['pod-pv-claim'] }));
    const p = await eventually(async () => { const x = await client.get<Pod>(R.pods, 'default', 'date-pod-2'); return x.status?.conditions?.find((c) => c.type === 'PodScheduled') ? x : undefined; }, 3000, 'condition');
    const cond = p.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', DRAIN_MSG]);
    const failed = await eventually(async () => (await client.list(R.events, 'default')).items.find((e) => e.reason === 'FailedScheduling' && (e.involvedObject as { name: string }).name === 'date-pod-2'), 3000, 'FailedScheduling event');
    assert.equal(failed.message, DRAIN_MSG);
    assert.equal(failed.type, 'Warning');
    assert.equal((failed.source as { component: string }).component, 'default-scheduler');

    // uncordon: back on k8s-w1.
    await client.patch(R.nodes, undefined, 'k8s-w1', 'strategic', { spec: { unschedulable: null } });
    assert.equal(await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'date-pod-2')).spec.nodeName, 3000, 'rebind'), 'k8s-w1');
  } finally { s.stop(); informers.stopAll(); await server.close(); }
});
