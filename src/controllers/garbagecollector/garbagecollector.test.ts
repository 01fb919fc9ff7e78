import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import type { KObject, OwnerReference } from '../../api/object.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import { harness } from '../replicaset/testing.js';
import { classifyDependent, newGarbageCollector } from './garbagecollector.js';

const ref = (uid: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion: block });

test('classifyDependent: solid owners keep, dangling refs removed, no owners left → delete', () => {
  assert.deepEqual(classifyDependent([{ ref: ref('a'), state: 'present' }]), { action: 'keep' });
  assert.deepEqual(classifyDependent([{ ref: ref('a'), state: 'present' }, { ref: ref('b'), state: 'absent' }]), { action: 'removeRefs', uids: ['b'] });
  assert.deepEqual(classifyDependent([{ ref: ref('a'), state: 'absent' }]), { action: 'delete', policy: 'Background' });
  assert.deepEqual(classifyDependent([{ ref: ref('a'), state: 'waitingForDependents' }, { ref: ref('b'), state: 'absent' }]), { action: 'delete', policy: 'Foreground' });
});

async function tree(client: import('../../scheduler/testing/memclient.js').MemClient) {
  const dep = await client.create(R.deployments, 'default', { metadata: { name: 'web' }, spec: {} });
  const own = (o: KObject, kind: string): OwnerReference => ({ apiVersion: 'apps/v1', kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true });
  const rs = await client.create(R.replicasets, 'default', { metadata: { name: 'web-1', ownerReferences: [own(dep, 'Deployment')] }, spec: {} });
  for (const n of ['a', 'b']) await client.create(R.pods, 'default', { metadata: { name: `web-1-${n}`, ownerReferences: [{ ...own(rs, 'ReplicaSet'), apiVersion: 'apps/v1' }] }, spec: { containers: [] } });
  return { dep, rs };
}
const names = (c: import('../../scheduler/testing/memclient.js').MemClient) => ({ d: c.all(R.deployments).length, rs: c.all(R.replicasets).length, pods: c.all(R.pods).length });

test('background: dependents are deleted after the owner is gone', async () => {
  const h = await harness([newGarbageCollector]);
  try {
    await tree(h.client);
    await h.client.delete(R.deployments, 'default', 'web', { propagationPolicy: 'Background' });
    await eventually(() => { const n = names(h.client); return n.rs === 0 && n.pods === 0; }, 2000, 'cascade');
  } finally { h.stop(); }
});

test('foreground: owner keeps foregroundDeletion until blocking dependents are gone', async () => {
  const h = await harness([newGarbageCollector]);
  try {
    await tree(h.client);
    const d = await h.client.delete(R.deployments, 'default', 'web', { propagationPolicy: 'Foreground' }) as KObject;
    assert.deepEqual(d.metadata.finalizers, ['foregroundDeletion']);
    await eventually(() => { const n = names(h.client); return n.d === 0 && n.rs === 0 && n.pods === 0; }, 2000, 'foreground cascade');
    const order = h.client.actions.filter((a) => a.startsWith('delete '));
    assert.deepEqual(order.slice(0, 2), ['delete deployments default/web', 'delete replicasets default/web-1']);
    // The replica set went away only after its pods: its finalizer was removed last.
    const lastPod = Math.max(...h.client.actions.map((a, i) => (a.startsWith('delete pods') ? i : -1)));
    const rsFinal = h.client.actions.findIndex((a) => a === 'update replicasets default/web-1');
    assert.ok(rsFinal > lastPod, 'replica set finalized after its pods were deleted');
  } finally { h.stop(); }
});

test('orphan: dependents lose the owner reference and survive', async () => {
  const h = await harness([newGarbageCollector]);
  try {
    await tree(h.client);
    await h.client.delete(R.replicasets, 'default', 'web-1', { propagationPolicy: 'Orphan' });
    await eventually(() => names(h.client).rs === 0, 2000, 'rs gone');
    await new Promise((r) => setTimeout(r, 50));
    const pods = h.client.all(R.pods);
    assert.equal(pods.length, 2);
    for (const p of pods) assert.equal(p.metadata.ownerReferences, undefined);
  } finally { h.stop(); }
});
