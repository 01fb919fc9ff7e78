// Deployment against the in-process API server: rollout to completion as `kubectl rollout status` judges
// it, a template change (as `rollout restart`) rolling to a second ReplicaSet, and the ScalingReplicaSet events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { cluster, makeRunningReady } from '../replicaset/integration.js';
import type { ReplicaSet } from '../replicaset/replicaset.js';
import type { Deployment } from './deployment.js';

/** kubectl's rollout status check. Upstream: kubectl/pkg/polymorphichelpers/rollout_status.go */
const rolledOut = (d: Deployment) => (d.metadata.generation ?? 0) <= (d.status?.observedGeneration ?? 0) &&
  (d.status?.updatedReplicas ?? 0) >= (d.spec.replicas ?? 1) && (d.status?.replicas ?? 0) <= (d.status?.updatedReplicas ?? 0) &&
  (d.status?.availableReplicas ?? 0) >= (d.status?.updatedReplicas ?? 0);

test('Deployment rolls out, restarts to a new ReplicaSet, and reports Available', async () => {
  const c = await cluster();
  const readyAll = async () => { for (const p of (await c.client.list<Pod>(R.pods, 'default')).items) if (!p.metadata.deletionTimestamp && p.status?.phase !== 'Running') await makeRunningReady(c.client, 'default', p.metadata.name!).catch(() => {}); };
  try {
    await c.client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const d1 = await eventually(async () => { await readyAll(); const d = await c.client.get<Deployment>(R.deployments, 'default', 'web'); return rolledOut(d) && d.status?.availableReplicas === 2 ? d : undefined; }, 5000, 'rollout 1');
    assert.equal(d1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(d1.status!.conditions!.find((x) => x.type === 'Available')!.status, 'True');
    const rs1 = (await c.client.list<ReplicaSet>(R.replicasets, 'default')).items[0]!;
    // The recorder writes events asynchronously: wait for the first, then check it is the only one.
    const events = await eventually(async () => { const e = (await c.client.list(R.events, 'default')).items.filter((x) => x.reason === 'ScalingReplicaSet').map((x) => x.message); return e.length ? e : undefined; }, 3000, 'ScalingReplicaSet event');
    assert.deepEqual(events, [`Scaled up replica set ${rs1.metadata.name} from 0 to 2`]);
    // kubectl rollout restart patches a template annotation.
    await c.client.patch(R.deployments, 'default', 'web', 'strategic', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } } } });
    const d2 = await eventually(async () => { await readyAll(); const d = await c.client.get<Deployment>(R.deployments, 'default', 'web'); return rolledOut(d) && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' && d.status?.replicas === 2 ? d : undefined; }, 8000, 'rollout 2');
    assert.equal(d2.status!.conditions!.find((x) => x.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
    const sets = (await c.client.list<ReplicaSet>(R.replicasets, 'default')).items;
    assert.equal(sets.length, 2);
    assert.equal(sets.find((r) => r.metadata.name === rs1.metadata.name)!.spec.replicas, 0);
  } finally { await c.stop(); }
});

test('a rollout that makes no progress for progressDeadlineSeconds: Progressing False, ProgressDeadlineExceeded; progress clears it', async () => {
  const c = await cluster();
  try {
    await c.client.create(R.deployments, 'default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'stuck' },
      spec: { replicas: 1, progressDeadlineSeconds: 2, selector: { matchLabels: { app: 'stuck' } }, template: { metadata: { labels: { app: 'stuck' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    // No pod ever becomes ready (nothing runs them here): the deadline passes.
    const t0 = Date.now();
    const d = await eventually(async () => {
      const x = await c.client.get<Deployment>(R.deployments, 'default', 'stuck');
      return x.status?.conditions?.find((k) => k.type === 'Progressing' && k.reason === 'ProgressDeadlineExceeded') ? x : undefined;
    }, 8000, 'ProgressDeadlineExceeded');
    assert.ok(Date.now() - t0 >= 1500, `not before the deadline (${Date.now() - t0} ms)`);
    const rs = (await c.client.list<ReplicaSet>(R.replicasets, 'default')).items[0]!;
    const p = d.status!.conditions!.find((k) => k.type === 'Progressing')!;
    assert.deepEqual([p.status, p.message], ['False', `ReplicaSet "${rs.metadata.name}" has timed out progressing.`]);
    // The pod becomes ready after all: progress, then complete.
    const pod = (await c.client.list<Pod>(R.pods, 'default')).items[0]!;
    await makeRunningReady(c.client, 'default', pod.metadata.name!);
    await eventually(async () => {
      const x = await c.client.get<Deployment>(R.deployments, 'default', 'stuck');
      const k = x.status?.conditions?.find((y) => y.type === 'Progressing');
      return k?.status === 'True' && k.reason === 'NewReplicaSetAvailable' ? x : undefined;
    }, 5000, 'progress again');
  } finally { await c.stop(); }
});
