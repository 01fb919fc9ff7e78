import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually, node, pod } from '../../scheduler/testing/fixtures.js';
import type { Node, Pod } from '../../util/types.js';
import { harness } from '../replicaset/testing.js';
import { newNodeLifecycleController } from './nodelifecycle.js';
import { desiredTaints, evictionDelayMs } from './taints.js';

const T = '2026-01-01T00:00:00Z';
test('desiredTaints follows Ready and spec.unschedulable, keeping foreign taints', () => {
  const n = node('a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
  n.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
  n.spec!.unschedulable = true;
  assert.deepEqual(desiredTaints(n, T), [
    { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T },
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  ]);
  n.status!.conditions = [{ type: 'Ready', status: 'True' }];
  n.spec!.unschedulable = false;
  assert.deepEqual(desiredTaints(n, T), [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  n.status!.conditions = [{ type: 'Ready', status: 'False' }];
  assert.deepEqual(desiredTaints(n, T).map((t) => `${t.key}:${t.effect}`), ['dedicated:NoSchedule', 'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
});

test('evictionDelayMs: untolerated now, tolerationSeconds after timeAdded, forever without seconds', () => {
  const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T }];
  const now = Date.parse(T) + 100_000;
  assert.equal(evictionDelayMs(taints, [], now), 0);
  assert.equal(evictionDelayMs(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], now), 200_000);
  assert.equal(evictionDelayMs(taints, [{ operator: 'Exists' }], now), undefined);
  assert.equal(evictionDelayMs([{ key: 'x', effect: 'NoSchedule' }], [], now), undefined);
});

test('stale lease: node Unknown, unreachable taints, pods not ready and evicted per tolerations', async () => {
  const h = await harness([(o) => newNodeLifecycleController({ ...o, nodeMonitorGracePeriodMs: 200 })]);
  try {
    const old = new Date(Date.now() - 10_000).toISOString();
    const n = node('w1'); n.status!.conditions![0]!.lastHeartbeatTime = old;
    await h.client.create(R.nodes, undefined, n);
    await h.client.create(R.leases, 'kube-node-lease', { metadata: { name: 'w1' }, spec: { holderIdentity: 'w1', renewTime: old } });
    const ready = (p: Pod): Pod => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    await h.client.create(R.pods, 'default', ready(pod('plain', { nodeName: 'w1' })));
    await h.client.create(R.pods, 'default', ready(pod('patient', { nodeName: 'w1', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] })));
    await h.client.create(R.pods, 'default', ready(pod('forever', { nodeName: 'w1', tolerations: [{ operator: 'Exists' }] })));
    const got = await eventually(async () => { const x = await h.client.get<Node>(R.nodes, undefined, 'w1'); return x.spec?.taints?.length === 2 ? x : undefined; }, 2000, 'taints');
    const rc = got.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(rc.status, 'Unknown'); assert.equal(rc.reason, 'NodeStatusUnknown'); assert.equal(rc.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(got.spec!.taints!.map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    await eventually(() => !h.client.all<Pod>(R.pods).some((p) => p.metadata.name === 'plain'), 2000, 'plain evicted');
    await eventually(() => h.client.all(R.events).some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Marking for deletion Pod default/plain'), 2000, 'TaintManagerEviction event');
    const f = await h.client.get<Pod>(R.pods, 'default', 'forever');
    assert.equal(f.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'False', 'pods on the node marked not ready');
    await eventually(() => !h.client.all<Pod>(R.pods).some((p) => p.metadata.name === 'patient'), 3000, 'patient evicted after 1s');
    assert.ok(h.client.all<Pod>(R.pods).some((p) => p.metadata.name === 'forever'));
    // Agent comes back: renews the lease and posts Ready; taints go away. Cordon adds the unschedulable taint.
    await h.client.patch(R.leases, 'kube-node-lease', 'w1', 'merge', { spec: { renewTime: new Date().toISOString() } });
    const cur = await h.client.get<Node>(R.nodes, undefined, 'w1');
    await h.client.update(R.nodes, undefined, { ...cur, status: { ...cur.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] } }, { subresource: 'status' });
    await h.client.patch(R.nodes, undefined, 'w1', 'merge', { spec: { unschedulable: true } });
    const back = await eventually(async () => { const x = await h.client.get<Node>(R.nodes, undefined, 'w1'); return x.spec?.taints?.length === 1 ? x : undefined; }, 2000, 'cordon taint');
    assert.deepEqual(back.spec!.taints, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
  } finally { h.stop(); }
});
