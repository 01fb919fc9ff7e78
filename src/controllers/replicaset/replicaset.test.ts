import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { InformerFactory } from '../../client/informer.js';
import { MemClient } from '../../scheduler/testing/memclient.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { calculateStatus, deletionOrder, newReplicaSetController, type ReplicaSet } from './replicaset.js';
import { slowStartBatch } from './controller-utils.js';

export const rsObj = (name: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const readyPod = (p: Pod, at = '2026-01-01T00:00:00Z'): Pod => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] } });

test('slowStartBatch: batches 1, 2, 4 and stops at the first failing batch', async () => {
  let calls = 0;
  const r = await slowStartBatch(10, async () => { calls++; if (calls === 5) throw new Error('quota'); });
  assert.equal(calls, 7); // 1 + 2 + 4, the third batch fails
  assert.equal(r.successes, 6);
  assert.equal((r.error as Error).message, 'quota');
});

test('deletionOrder: unscheduled, pending, not ready before running ready pods', () => {
  const mk = (name: string, o: Partial<Pod['spec']>, status?: Pod['status']): Pod => ({ metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [], ...o }, status });
  const pods = [
    readyPod(mk('ready', { nodeName: 'a' })), mk('running-notready', { nodeName: 'a' }, { phase: 'Running' }),
    mk('pending', { nodeName: 'a' }, { phase: 'Pending' }), mk('unscheduled', {}, { phase: 'Pending' }),
  ];
  assert.deepEqual(pods.sort(deletionOrder).map((p) => p.metadata.name), ['unscheduled', 'pending', 'running-notready', 'ready']);
});

test('calculateStatus counts ready and available (minReadySeconds) pods', () => {
  const rs = { ...rsObj('web', 2), metadata: { name: 'web', namespace: 'default', generation: 3 } };
  rs.spec.minReadySeconds = 10;
  const p = (name: string, at: string) => readyPod({ metadata: { name, labels: { app: 'web' } }, spec: { containers: [] } }, at);
  const st = calculateStatus(rs, [p('a', '2026-01-01T00:00:00Z'), p('b', '2026-01-01T00:00:55Z')], new Date('2026-01-01T00:01:00Z'));
  assert.deepEqual(st, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
});

test('ReplicaSet controller creates, reports and scales down pods', async () => {
  const client = new MemClient();
  const f = new InformerFactory(client);
  const c = newReplicaSetController({ client, informers: f, now: () => new Date(), log: () => {} });
  await f.startAll(); c.start();
  try {
    await client.create(R.replicasets, 'default', rsObj('web', 3));
    const pods = await eventually(() => { const ps = client.all<Pod>(R.pods); return ps.length === 3 ? ps : undefined; }, 2000, '3 pods');
    for (const p of pods) {
      assert.match(p.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.metadata.generateName, 'web-');
      assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['ReplicaSet', 'web', true, true]]);
      assert.deepEqual(p.metadata.labels, { app: 'web' });
    }
    const events = client.all(R.events).filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message).sort();
    assert.deepEqual(events, pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    for (const p of pods) await client.update(R.pods, 'default', readyPod(p), { subresource: 'status' });
    await eventually(async () => (await client.get<ReplicaSet>(R.replicasets, 'default', 'web')).status?.availableReplicas === 3, 2000, 'available 3');
    await client.patch(R.replicasets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await eventually(() => client.all(R.pods).length === 1, 2000, 'scaled to 1');
    const st = await eventually(async () => { const r = await client.get<ReplicaSet>(R.replicasets, 'default', 'web'); return r.status?.replicas === 1 ? r.status : undefined; });
    assert.deepEqual(st, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
    assert.equal(client.all(R.events).filter((e) => e.reason === 'SuccessfulDelete').length, 2);
  } finally { c.stop(); f.stopAll(); }
});
