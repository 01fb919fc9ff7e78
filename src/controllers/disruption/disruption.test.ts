import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually, pod } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { harness, markReady } from '../replicaset/testing.js';
import { budget, newDisruptionController, type PodDisruptionBudget } from './disruption.js';

const pods = (ready: number, total: number): Pod[] => Array.from({ length: total }, (_, i) => ({ ...pod(`p${i}`), status: { conditions: [{ type: 'Ready', status: i < ready ? 'True' : 'False' }] } }));
const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'b', namespace: 'default', generation: 1 }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });

test('budget: minAvailable int, percentages and maxUnavailable against the controllers scale', () => {
  assert.deepEqual(budget(pdb({ minAvailable: 2 }), pods(3, 3), undefined), { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  assert.deepEqual(budget(pdb({ minAvailable: '50%' }), pods(2, 3), 4), { expectedPods: 4, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
  assert.deepEqual(budget(pdb({ maxUnavailable: 1 }), pods(3, 3), 3), { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  assert.deepEqual(budget(pdb({ maxUnavailable: '34%' }), pods(3, 3), 3), { expectedPods: 3, currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
});

test('PDB status follows pod readiness', async () => {
  const h = await harness([newDisruptionController]);
  try {
    await h.client.create(R.poddisruptionbudgets, 'default', pdb({ minAvailable: 1 }));
    for (const n of ['a', 'b']) await h.client.create(R.pods, 'default', pod(n, { labels: { app: 'web' } }));
    const st = await eventually(async () => { const b = await h.client.get<PodDisruptionBudget>(R.poddisruptionbudgets, 'default', 'b'); return b.status?.expectedPods === 2 ? b.status : undefined; }, 2000, 'status');
    assert.equal(st.disruptionsAllowed, 0);
    assert.equal(st.conditions![0]!.reason, 'InsufficientPods');
    for (const n of ['a', 'b']) await markReady(h.client, await h.client.get<Pod>(R.pods, 'default', n));
    const st2 = await eventually(async () => { const b = await h.client.get<PodDisruptionBudget>(R.poddisruptionbudgets, 'default', 'b'); return b.status?.currentHealthy === 2 ? b.status : undefined; }, 2000, 'healthy');
    assert.deepEqual([st2.desiredHealthy, st2.disruptionsAllowed, st2.conditions![0]!.status, st2.conditions![0]!.reason], [1, 1, 'True', 'SufficientPods']);
  } finally { h.stop(); }
});
