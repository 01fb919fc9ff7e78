// Integration: the storage controllers against the real in-process API server (memory datastore): static
// binding at scale, WaitForFirstConsumer events, Released after claim deletion, protection finalizers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer, type ApiServer } from '../apiserver/index.js';
import { createMemoryDatastore } from '../datastore/memory.js';
import { InformerFactory } from '../client/informer.js';
import { R } from '../api/gvr.js';
import type { Client } from '../client/types.js';
import type { KObject } from '../api/object.js';
import { ensureDefaultStorageClass, startStorageControllers } from './storage.js';
import type { PersistentVolume, PersistentVolumeClaim } from './pvbinder/types.js';

let server: ApiServer;
let client: Client;
let stop: () => void;
let informers: InformerFactory;

before(async () => {
  server = createApiServer({ datastore: createMemoryDatastore() });
  await server.ready();
  client = server.client();
  informers = new InformerFactory(client);
  const c = await startStorageControllers({ client, informers, resyncMs: 500 });
  stop = c.stop;
});
after(async () => { stop(); informers.stopAll(); await server.close(); });

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const pv = (name: string, size: string, extra: Partial<PersistentVolume['spec']> = {}): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', hostPath: { path: `/tmp/${name}` }, ...extra },
});
const pvc = (name: string, size: string, extra: Partial<PersistentVolumeClaim['spec']> = {}): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: '', ...extra },
});
const getPVC = (n: string) => client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default', n);
const getPV = (n: string) => client.get<PersistentVolume>(R.persistentvolumes, undefined, n);
async function eventsFor(name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const l = await client.list(R.events, 'default');
  return l.items.filter((e) => (e.involvedObject as { name: string }).name === name) as never;
}

test('200 static pairs all Bound, each claim to a volume of its own', async () => {
  const N = 200;
  for (let i = 0; i < N; i++) await client.create(R.persistentvolumes, undefined, pv(`static-${i}`, `${1 + (i % 5)}Gi`));
  for (let i = 0; i < N; i++) await client.create(R.persistentvolumeclaims, 'default', pvc(`claim-${i}`, `${1 + (i % 5)}Gi`));
  const claims = await until('all claims Bound', async () => {
    const l = await client.list<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default');
    const mine = l.items.filter((c) => c.metadata.name!.startsWith('claim-'));
    return mine.length === N && mine.every((c) => c.status?.phase === 'Bound') && mine;
  }, 20_000);
  const used = new Set(claims.map((c) => c.spec.volumeName));
  assert.equal(used.size, N, 'no volume bound twice');
  for (const c of claims) {
    const v = await getPV(c.spec.volumeName!);
    assert.equal(v.spec.claimRef?.uid, c.metadata.uid);
    assert.equal(v.status?.phase, 'Bound');
    assert.equal(c.status?.capacity?.storage, v.spec.capacity?.storage);
    assert.equal(c.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
  }
});

test('WaitForFirstConsumer: claim Pending with the upstream event text', async () => {
  await client.create(R.storageclasses, undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-storage' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' });
  await client.create(R.persistentvolumes, undefined, pv('wffc-pv', '400Gi', { storageClassName: 'local-storage' }));
  await client.create(R.persistentvolumeclaims, 'default', pvc('test-pvc', '400Gi', { storageClassName: 'local-storage' }));
  const ev = await until('WaitForFirstConsumer event', async () => (await eventsFor('test-pvc')).find((e) => e.reason === 'WaitForFirstConsumer'));
  assert.equal(ev.message, 'waiting for first consumer to be created before binding');
  assert.equal(ev.type, 'Normal');
  assert.equal((await getPVC('test-pvc')).status?.phase, 'Pending');
  assert.equal((await getPV('wffc-pv')).spec.claimRef, undefined);
  assert.equal((await getPV('wffc-pv')).status?.phase, 'Available');
});

test('a missing StorageClass is reported on the claim', async () => {
  await client.create(R.persistentvolumeclaims, 'default', pvc('ceph-claim', '1Gi', { storageClassName: 'rook-ceph-block' }));
  const ev = await until('ProvisioningFailed', async () => (await eventsFor('ceph-claim')).find((e) => e.reason === 'ProvisioningFailed'));
  assert.equal(ev.message, 'storageclass.storage.k8s.io "rook-ceph-block" not found');
  assert.equal(ev.type, 'Warning');
});

test('Retain: Released after the claim is deleted; claimRef kept; protection finalizers present', async () => {
  await client.create(R.persistentvolumes, undefined, pv('keep-pv', '1Gi'));
  await client.create(R.persistentvolumeclaims, 'default', pvc('keep-claim', '1Gi', { volumeName: 'keep-pv' }));
  await until('bound', async () => (await getPVC('keep-claim')).status?.phase === 'Bound');
  const claim = await until('pvc-protection finalizer', async () => { const c = await getPVC('keep-claim'); return c.metadata.finalizers?.includes('kubernetes.io/pvc-protection') && c; });
  await until('pv-protection finalizer', async () => (await getPV('keep-pv')).metadata.finalizers?.includes('kubernetes.io/pv-protection'));
  await client.delete(R.persistentvolumeclaims, 'default', 'keep-claim');
  await until('claim gone', async () => { try { await getPVC('keep-claim'); return false; } catch { return true; } });
  const v = await until('Released', async () => { const v = await getPV('keep-pv'); return v.status?.phase === 'Released' && v; });
  assert.equal(v.spec.claimRef?.uid, claim.metadata.uid);
});

test('a claim used by a scheduled pod stays until the pod is gone', async () => {
  await client.create(R.persistentvolumes, undefined, pv('used-pv', '1Gi'));
  await client.create(R.persistentvolumeclaims, 'default', pvc('used-claim', '1Gi'));
  await until('bound', async () => (await getPVC('used-claim')).status?.phase === 'Bound');
  await client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user', namespace: 'default' },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'used-claim' } }] },
  });
  await until('pvc-protection finalizer', async () => (await getPVC('used-claim')).metadata.finalizers?.includes('kubernetes.io/pvc-protection'));
  await client.delete(R.persistentvolumeclaims, 'default', 'used-claim');
  await new Promise((r) => setTimeout(r, 300));
  const c = await getPVC('used-claim');
  assert.ok(c.metadata.deletionTimestamp, 'Terminating');
  assert.ok(c.metadata.finalizers?.includes('kubernetes.io/pvc-protection'));
  await client.delete(R.pods, 'default', 'user', { gracePeriodSeconds: 0 });
  await until('claim gone after the pod', async () => { try { await getPVC('used-claim'); return false; } catch { return true; } });
});

test('ensureDefaultStorageClass is idempotent and creates the upstream-shaped default class', async () => {
  await ensureDefaultStorageClass(client);
  await ensureDefaultStorageClass(client);
  const sc = await client.get(R.storageclasses, undefined, 'local-path');
  assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
  assert.equal(sc.provisioner, 'rancher.io/local-path');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.reclaimPolicy, 'Delete');
  // The provisioner's ConfigMap, as k3s ships it: config.json, setup, teardown, helperPod.yaml.
  const cm = await client.get(R.configmaps, 'kube-system', 'local-path-config');
  const data = cm.data as Record<string, string>;
  assert.deepEqual(Object.keys(data).sort(), ['config.json', 'helperPod.yaml', 'setup', 'teardown']);
  assert.deepEqual(JSON.parse(data['config.json']!), { nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/opt/local-path-provisioner'] }] });
  assert.equal(data.setup, '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"');
  // An edit survives the next start.
  await client.patch(R.configmaps, 'kube-system', 'local-path-config', 'merge', { data: { teardown: '#!/bin/sh\nrm -rf "$VOL_DIR"\n' } });
  await ensureDefaultStorageClass(client);
  assert.equal(((await client.get(R.configmaps, 'kube-system', 'local-path-config')).data as Record<string, string>).teardown, '#!/bin/sh\nrm -rf "$VOL_DIR"\n');
});

test('local-path failure on the selected node: ProvisioningFailed, and the node choice is handed back to the scheduler', async () => {
  await ensureDefaultStorageClass(client);
  await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'full-node', labels: { 'kubernetes.io/hostname': 'full-node' } } });
  // The ConfigMap `up` created, edited as a user would (kubectl edit).
  await client.patch(R.configmaps, 'kube-system', 'local-path-config', 'merge', {
    data: { 'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/opt/local-path-provisioner'] }, { node: 'full-node', paths: [] }] }) },
  });
  // The provisioner reads the ConfigMap from a watch: let the edit arrive before the claim does.
  await new Promise((r) => setTimeout(r, 200));
  await client.create(R.persistentvolumeclaims, 'default', {
    ...pvc('lp-claim', '1Gi', { storageClassName: 'local-path' }),
    metadata: { name: 'lp-claim', namespace: 'default', annotations: { 'volume.kubernetes.io/selected-node': 'full-node' } },
  });
  const ev = await until('ProvisioningFailed', async () => (await eventsFor('lp-claim')).find((e) => e.reason === 'ProvisioningFailed'));
  assert.equal(ev.message, 'failed to provision volume with StorageClass "local-path": no local path available on node full-node');
  await until('selected-node removed', async () => !(await getPVC('lp-claim')).metadata.annotations?.['volume.kubernetes.io/selected-node']);
  assert.equal((await getPVC('lp-claim')).metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
});
