import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import type { KObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { memoryServer } from '../testing/harness.js';
import { objectKey } from '../resources.js';

async function rejects(p: Promise<unknown>, code: number, message: string | RegExp): Promise<StatusError> {
  try { await p; } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message); else assert.match(e.message, message);
    return e;
  }
  assert.fail('expected an error');
}

const pv = (name: string): KObject => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/x' } } });

test('create fills system metadata; a second create is AlreadyExists', async () => {
  const s = await memoryServer(() => new Date('2025-01-02T03:04:05.678Z'));
  const c = s.client();
  const o = await c.create(R.persistentvolumes, undefined, pv('a'));
  assert.equal(o.metadata.creationTimestamp, '2025-01-02T03:04:05Z');
  assert.equal(o.metadata.generation, 1);
  assert.match(o.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.ok(Number(o.metadata.resourceVersion) > 0);
  assert.deepEqual(o.metadata.finalizers, ['kubernetes.io/pv-protection']); // StorageObjectInUseProtection
  await rejects(c.create(R.persistentvolumes, undefined, pv('a')), 409, 'persistentvolumes "a" already exists');
  const g = await c.create(R.configmaps, 'default', { metadata: { generateName: 'web-' } });
  assert.match(g.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  await s.close();
});

test('optimistic concurrency: stale resourceVersion → 409 upstream text; none = unconditional', async () => {
  const s = await memoryServer();
  const c = s.client();
  const a = await c.create(R.configmaps, 'default', { metadata: { name: 'x' }, data: { k: '1' } });
  const b = await c.update(R.configmaps, 'default', { ...a, data: { k: '2' } });
  assert.notEqual(b.metadata.resourceVersion, a.metadata.resourceVersion);
  await rejects(c.update(R.configmaps, 'default', { ...a, data: { k: '3' } }), 409,
    'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again');
  const { resourceVersion: _rv, ...meta } = a.metadata;
  const d = await c.update(R.configmaps, 'default', { ...a, metadata: meta, data: { k: '4' } });
  assert.equal((d.data as { k: string }).k, '4');
  // A no-op update writes nothing: same resourceVersion.
  const e = await c.update(R.configmaps, 'default', d);
  assert.equal(e.metadata.resourceVersion, d.metadata.resourceVersion);
  await rejects(c.delete(R.configmaps, 'default', 'x', { preconditions: { uid: 'nope' } }), 409,
    `Operation cannot be fulfilled on configmaps "x": Precondition failed: UID in precondition: nope, UID in object meta: ${a.metadata.uid}`);
  await rejects(c.get(R.configmaps, 'default', 'nope'), 404, 'configmaps "nope" not found');
  await s.close();
});

test('finalizers hold a deleted object until the last one is removed; no new ones while deleting', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.configmaps, 'default', { metadata: { name: 'f', finalizers: ['example.com/hold'] } });
  const marked = await c.delete(R.configmaps, 'default', 'f') as KObject;
  assert.ok(marked.metadata.deletionTimestamp);
  assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
  await rejects(c.patch(R.configmaps, 'default', 'f', 'merge', { metadata: { finalizers: ['example.com/hold', 'b'] } }), 422,
    'ConfigMap "f" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}');
  await c.patch(R.configmaps, 'default', 'f', 'merge', { metadata: { finalizers: null } });
  await rejects(c.get(R.configmaps, 'default', 'f'), 404, 'configmaps "f" not found');
  await s.close();
});

test('pods on a node are deleted gracefully; unscheduled pods at once', async () => {
  const s = await memoryServer(() => new Date('2025-01-01T00:00:00Z'));
  const c = s.client();
  const pod = (name: string, nodeName?: string): KObject => ({ metadata: { name }, spec: { nodeName, terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox' }] } });
  await c.create(R.pods, 'default', pod('p1', 'n1'));
  const marked = await c.delete(R.pods, 'default', 'p1') as KObject;
  assert.equal(marked.metadata.deletionTimestamp, '2025-01-01T00:00:30Z');
  assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
  assert.ok(await c.get(R.pods, 'default', 'p1'));
  await c.delete(R.pods, 'default', 'p1', { gracePeriodSeconds: 0 }); // the node agent's final delete
  await rejects(c.get(R.pods, 'default', 'p1'), 404, 'pods "p1" not found');
  await c.create(R.pods, 'default', pod('p2'));
  const gone = await c.delete(R.pods, 'default', 'p2') as KObject;
  assert.equal(gone.metadata.name, 'p2'); // pods return the deleted object
  await rejects(c.get(R.pods, 'default', 'p2'), 404, 'pods "p2" not found');
  await s.close();
});

test('dryRun validates and defaults but persists nothing', async () => {
  const s = await memoryServer();
  const c = s.client();
  const o = await c.create(R.configmaps, 'default', { metadata: { name: 'dry' } }, { dryRun: true });
  assert.equal(o.metadata.name, 'dry');
  await rejects(c.get(R.configmaps, 'default', 'dry'), 404, 'configmaps "dry" not found');
  await s.close();
});

test('NamespaceLifecycle: missing → 404, terminating → 403, system namespaces stay', async () => {
  const s = await memoryServer();
  const c = s.client();
  await rejects(c.create(R.configmaps, 'nope', { metadata: { name: 'a' } }), 404, 'namespaces "nope" not found');
  await c.create(R.namespaces, undefined, { metadata: { name: 'team' } });
  const sa = await c.get(R.serviceaccounts, 'team', 'default');
  assert.equal(sa.metadata.name, 'default');
  const t = await c.delete(R.namespaces, undefined, 'team') as KObject;
  assert.equal((t.status as { phase: string }).phase, 'Terminating');
  await rejects(c.create(R.configmaps, 'team', { metadata: { name: 'a' } }), 403,
    'configmaps "a" is forbidden: unable to create new content in namespace team because it is being terminated');
  // The namespace controller empties spec.finalizers through /finalize; then the namespace goes.
  await s.internals.api().update(s.internals.table.lookup('', 'v1', 'namespaces')!, undefined, 'team',
    { metadata: { name: 'team' }, spec: { finalizers: [] } }, { user: { username: 'x', groups: [] }, now: new Date(), dryRun: false, fieldManager: 'x', fieldValidation: 'Ignore', warnings: [] }, 'finalize');
  await rejects(c.get(R.namespaces, undefined, 'team'), 404, 'namespaces "team" not found');
  await rejects(c.delete(R.namespaces, undefined, 'kube-system'), 403, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
  await s.close();
});

test('DefaultStorageClass: the newest default class is set on claims that name none', async () => {
  let t = Date.parse('2025-01-01T00:00:00Z');
  const s = await memoryServer(() => new Date((t += 1000)));
  const c = s.client();
  const sc = (name: string) => ({ metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' });
  await c.create(R.storageclasses, undefined, sc('old'));
  await c.create(R.storageclasses, undefined, sc('new'));
  const pvc = await c.create(R.persistentvolumeclaims, 'default', { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  assert.equal((pvc.spec as { storageClassName: string }).storageClassName, 'new');
  assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const none = await c.create(R.persistentvolumeclaims, 'default', { metadata: { name: 'd' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  assert.equal((none.spec as { storageClassName: string }).storageClassName, '');
  await s.close();
});

test('PersistentVolumeClaimResize: only bound claims of an expandable class grow', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.storageclasses, undefined, { metadata: { name: 'fixed' }, provisioner: 'x' });
  await c.create(R.persistentvolumeclaims, 'default', { metadata: { name: 'c' }, spec: { storageClassName: 'fixed', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const grow = { spec: { resources: { requests: { storage: '2Gi' } } } };
  // A pending claim: validation (422, when the kind's rules exist) runs before this admission (403).
  await assert.rejects(c.patch(R.persistentvolumeclaims, 'default', 'c', 'merge', grow), (e: StatusError) =>
    (e.code === 422 && e.message.startsWith('PersistentVolumeClaim "c" is invalid: spec: Forbidden: spec is immutable')) ||
    (e.code === 403 && e.message === 'persistentvolumeclaims "c" is forbidden: Only bound persistent volume claims can be expanded'));
  await c.patch(R.persistentvolumeclaims, 'default', 'c', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
  await rejects(c.patch(R.persistentvolumeclaims, 'default', 'c', 'merge', grow), 403,
    'persistentvolumeclaims "c" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  await s.close();
});

test('status subresource: the main resource ignores status, status/ ignores the rest', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.persistentvolumes, undefined, pv('st'));
  await c.patch(R.persistentvolumes, undefined, 'st', 'merge', { status: { phase: 'Available' }, spec: { persistentVolumeReclaimPolicy: 'Delete' } }, { subresource: 'status' });
  let o = await c.get(R.persistentvolumes, undefined, 'st');
  assert.equal((o.status as { phase: string }).phase, 'Available');
  assert.equal((o.spec as { persistentVolumeReclaimPolicy?: string }).persistentVolumeReclaimPolicy ?? 'Retain', 'Retain');
  await c.patch(R.persistentvolumes, undefined, 'st', 'merge', { status: { phase: 'Bound' } });
  o = await c.get(R.persistentvolumes, undefined, 'st');
  assert.equal((o.status as { phase: string }).phase, 'Available');
  await s.close();
});

test('pods/binding assigns once; pods/eviction honours disruption budgets', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.pods, 'default', { metadata: { name: 'p', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const st = await c.createSubresource(R.pods, 'default', 'p', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } });
  assert.equal((st as { status: string }).status, 'Success');
  const p = await c.get(R.pods, 'default', 'p');
  assert.equal((p.spec as { nodeName: string }).nodeName, 'n1');
  await rejects(c.createSubresource(R.pods, 'default', 'p', 'binding', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n2' } }), 409,
    'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"');
  await c.patch(R.pods, 'default', 'p', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
  const pdb = await c.create(R.poddisruptionbudgets, 'default', { metadata: { name: 'db-pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
  await c.patch(R.poddisruptionbudgets, 'default', 'db-pdb', 'merge', { status: { observedGeneration: pdb.metadata.generation, disruptionsAllowed: 0, desiredHealthy: 1, currentHealthy: 1, expectedPods: 1 } }, { subresource: 'status' });
  const err = await rejects(c.createSubresource(R.pods, 'default', 'p', 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' } }), 429,
    "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(err.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db-pdb needs 1 healthy pods and has 1 currently' }]);
  await c.patch(R.poddisruptionbudgets, 'default', 'db-pdb', 'merge', { status: { disruptionsAllowed: 1, currentHealthy: 2 } }, { subresource: 'status' });
  const ok = await c.createSubresource(R.pods, 'default', 'p', 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' } });
  assert.equal((ok as { code: number }).code, 201);
  const evicted = await c.get(R.pods, 'default', 'p');
  assert.ok(evicted.metadata.deletionTimestamp); // graceful: on a node
  const after = await c.get(R.poddisruptionbudgets, 'default', 'db-pdb');
  assert.equal((after.status as { disruptionsAllowed: number }).disruptionsAllowed, 0);
  await s.close();
});

test('scale subresource reads and writes spec.replicas as autoscaling/v1 Scale', async () => {
  const s = await memoryServer();
  const api = s.internals.api();
  const c = s.client();
  await c.create(R.deployments, 'default', { metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
  const deps = s.internals.table.lookup('apps', 'v1', 'deployments')!;
  const scale = await api.get(deps, 'default', 'web', 'scale');
  assert.deepEqual({ kind: scale.kind, apiVersion: scale.apiVersion, spec: scale.spec, status: scale.status }, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } });
  await c.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 5 } }, { subresource: 'scale' });
  const d = await c.get(R.deployments, 'default', 'web');
  assert.equal((d.spec as { replicas: number }).replicas, 5);
  assert.equal(d.metadata.generation, 2);
  await s.close();
});

test('Service clusterIP allocation from 10.43.0.0/16; headless kept', async () => {
  const s = await memoryServer();
  const c = s.client();
  const svc = await c.create(R.services, 'default', { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
  assert.match((svc.spec as { clusterIP: string }).clusterIP, /^10\.43\.\d+\.\d+$/);
  const h = await c.create(R.services, 'default', { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  assert.equal((h.spec as { clusterIP: string }).clusterIP, 'None');
  await s.close();
});

// ---- updates that start from the watch cache (upstream GuaranteedUpdate with cachedExistingObject) ----

/** An API server over a memory datastore whose reads of single keys are counted. */
async function countingServer() {
  const { createMemoryDatastore } = await import('../../datastore/memory.js');
  const { createApiServer } = await import('../index.js');
  const { makeContext, ADMIN_USER } = await import('../context.js');
  const ds = createMemoryDatastore();
  const reads = { n: 0 };
  const get = ds.get.bind(ds);
  ds.get = (key, revision) => { reads.n++; return get(key, revision); };
  const s = createApiServer({ datastore: ds });
  await s.ready();
  const store = s.internals.store();
  const r = s.internals.table.forGVR(R.configmaps)!;
  const ctx = () => makeContext(ADMIN_USER, new Date(), { fieldManager: 'test' });
  return { s, ds, reads, store, r, ctx };
}

test('an update naming the version the watch cache holds skips the datastore read; the result is the same', async () => {
  const { s, reads, store, r, ctx } = await countingServer();
  const a = await store.create(r, 'default', { metadata: { name: 'c' }, data: { k: '1' } }, ctx());
  await new Promise((res) => setImmediate(res)); // the cache has seen the create
  reads.n = 0;
  const b = (await store.update(r, 'default', 'c', { metadata: { name: 'c', resourceVersion: a.metadata.resourceVersion }, data: { k: '2' } }, ctx())).obj;
  assert.equal(reads.n, 0);
  assert.deepEqual(await store.get(r, 'default', 'c'), b);
  assert.equal(b.metadata.uid, a.metadata.uid);
  assert.deepEqual(b.data, { k: '2' });
  assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  await s.close();
});

test('a stale watch cache gives what a datastore read would: 409 for a changed object (even if invalid), 404 for a deleted one', async () => {
  const { s, ds, store, r, ctx } = await countingServer();
  const a = await store.create(r, 'default', { metadata: { name: 'c' }, data: { k: '1' } }, ctx());
  await new Promise((res) => setImmediate(res));
  const key = objectKey(r, 'default', 'c');
  const cur = (await ds.get(key))!;
  // Written behind the cache's back: the cache learns of it only on a later microtask, after update() looked.
  void ds.update(key, cur.value.replace('"1"', '"x"'), cur.modRevision);
  const stale = store.update(r, 'default', 'c', { metadata: { name: 'c', resourceVersion: a.metadata.resourceVersion }, data: { k: '2' } }, ctx());
  await rejects(stale, 409, 'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
  // Invalid on top of stale: the answer is still the conflict, as a fresh read would have found first.
  await new Promise((res) => setImmediate(res));
  const now = (await ds.get(key))!;
  void ds.update(key, now.value, now.modRevision);
  const bad = store.update(r, 'default', 'c', { metadata: { name: 'c', resourceVersion: String(now.modRevision), labels: { 'bad key!': 'v' } } }, ctx());
  await rejects(bad, 409, /the object has been modified/);
  await new Promise((res) => setImmediate(res));
  const last = (await ds.get(key))!;
  void ds.delete(key);
  await rejects(store.update(r, 'default', 'c', { metadata: { name: 'c', resourceVersion: String(last.modRevision) }, data: {} }, ctx()), 404, 'configmaps "c" not found');
  await s.close();
});

test('an invalid update from a current watch cache is the validation error', async () => {
  const { s, store, r, ctx } = await countingServer();
  const a = await store.create(r, 'default', { metadata: { name: 'c' }, data: { k: '1' } }, ctx());
  await new Promise((res) => setImmediate(res));
  await rejects(store.update(r, 'default', 'c', { metadata: { name: 'c', resourceVersion: a.metadata.resourceVersion, labels: { 'bad key!': 'v' } } }, ctx()), 422,
    /^ConfigMap "c" is invalid: metadata.labels: Invalid value: "bad key!"/);
  await s.close();
});
