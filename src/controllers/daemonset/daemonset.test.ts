import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { CONTROL_PLANE_TAINT, eventually, node } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { harness } from '../replicaset/testing.js';
import { newDaemonSetController, shouldRun, type DaemonSet } from './daemonset.js';

const ds = (tolerations?: Pod['spec']['tolerations']): DaemonSet => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) } } },
});

test('shouldRun: daemon pods tolerate unschedulable/not-ready, not the control-plane taint', () => {
  assert.equal(shouldRun(ds(), node('a', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] })), true);
  assert.equal(shouldRun(ds(), node('m', { taints: [CONTROL_PLANE_TAINT] })), false);
  assert.equal(shouldRun(ds([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]), node('m', { taints: [CONTROL_PLANE_TAINT] })), true);
});

test('one pod per eligible node, pinned with node affinity; new nodes get one', async () => {
  const h = await harness([newDaemonSetController], { autoReady: true });
  try {
    for (const n of [node('a'), node('b'), node('m', { taints: [CONTROL_PLANE_TAINT] })]) await h.client.create(R.nodes, undefined, n);
    await h.client.create(R.daemonsets, 'default', ds());
    await eventually(() => h.client.all(R.pods).length === 2, 2000, '2 pods');
    const pinned = h.client.all<Pod>(R.pods).map((p) => p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms![0]!.matchFields![0]!.values![0]).sort();
    assert.deepEqual(pinned, ['a', 'b']);
    await h.client.create(R.nodes, undefined, node('c'));
    await eventually(() => h.client.all(R.pods).length === 3, 2000, 'pod for c');
    const st = await eventually(async () => { const d = await h.client.get<DaemonSet>(R.daemonsets, 'default', 'agent'); return d.status?.numberAvailable === 3 ? d.status : undefined; }, 2000, 'status');
    assert.deepEqual(st, { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 });
  } finally { h.stop(); }
});
