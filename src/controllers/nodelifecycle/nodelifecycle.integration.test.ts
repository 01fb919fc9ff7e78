// Node lifecycle against the in-process API server: a node whose agent stops renewing its Lease goes
// Unknown and gets the unreachable taints; cordon adds the unschedulable taint, uncordon removes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually, node } from '../../scheduler/testing/fixtures.js';
import type { Node } from '../../util/types.js';
import { cluster } from '../replicaset/integration.js';

test('stale lease → NodeStatusUnknown and unreachable taints; cordon/uncordon → unschedulable taint', async () => {
  const c = await cluster({ nodeMonitorGracePeriodMs: 300 });
  const taints = async (n: string) => ((await c.client.get<Node>(R.nodes, undefined, n)).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
  try {
    const fresh = new Date().toISOString();
    for (const n of ['alive', 'dead']) {
      const obj = node(n); obj.status!.conditions![0]!.lastHeartbeatTime = fresh;
      await c.client.create(R.nodes, undefined, obj);
      await c.client.patch(R.nodes, undefined, n, 'merge', { status: obj.status }, { subresource: 'status' });
      await c.client.create(R.leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n }, spec: { holderIdentity: n, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') } });
    }
    // Only "alive" keeps renewing.
    const renew = setInterval(() => void c.client.patch(R.leases, 'kube-node-lease', 'alive', 'merge', { spec: { renewTime: new Date().toISOString().replace('Z', '000Z') } }).catch(() => {}), 50);
    try {
      await eventually(async () => (await taints('dead')).length === 2, 3000, 'unreachable taints');
      assert.deepEqual(await taints('dead'), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
      const ready = (await c.client.get<Node>(R.nodes, undefined, 'dead')).status!.conditions!.find((x) => x.type === 'Ready')!;
      assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
      assert.deepEqual(await taints('alive'), []);
      await c.client.patch(R.nodes, undefined, 'alive', 'strategic', { spec: { unschedulable: true } });
      await eventually(async () => (await taints('alive')).includes('node.kubernetes.io/unschedulable:NoSchedule'), 3000, 'cordon taint');
      await c.client.patch(R.nodes, undefined, 'alive', 'strategic', { spec: { unschedulable: null } });
      await eventually(async () => (await taints('alive')).length === 0, 3000, 'uncordon');
    } finally { clearInterval(renew); }
  } finally { await c.stop(); }
});
