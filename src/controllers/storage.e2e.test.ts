// End to end on one real node: API server + node agent (sandboxed pods) + scheduler + storage controllers.
// Dynamic local-path provisioning through helper pods on the node, Delete reclaim removing data and PV,
// Recycle scrubbing a hostPath volume with the recycler pod, and the upstream failures for unsupported
// reclaim policies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestCluster, type TestCluster } from '../agent/testing/cluster.js';
import { InformerFactory } from '../client/informer.js';
import { startScheduler } from '../scheduler/index.js';
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { ensureDefaultStorageClass, startStorageControllers } from './storage.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from './pvbinder/types.js';

let cluster: TestCluster;
let stops: Array<() => void> = [];
let informers: InformerFactory;

before(async () => {
  cluster = await startTestCluster();
  informers = new InformerFactory(cluster.client);
  const sched = await startScheduler({ client: cluster.client, informers, bindTimeoutMs: 30_000 });
  const storage = await startStorageControllers({ client: cluster.client, informers, resyncMs: 1000 });
  stops = [sched.stop, storage.stop];
  await ensureDefaultStorageClass(cluster.client);
});
after(async () => { for (const s of stops) s(); informers.stopAll(); await cluster.close(); });

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const c = () => cluster.client;
const gone = async (fn: () => Promise<unknown>) => { try { await fn(); return false; } catch { return true; } };
async function events(name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const out: { reason: string; message: string; type: string }[] = [];
  for (const ns of ['default', 'kube-system']) {
    const l = await c().list(R.events, ns);
    out.push(...(l.items.filter((e) => (e.involvedObject as { name: string }).name === name) as never[]));
  }
  return out;
}

test('local-path: WaitForFirstConsumer, helper pod makes the directory on the node, Delete removes data and PV', async () => {
  await c().create(R.persistentvolumeclaims, 'default', {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fast-pvc', namespace: 'default' },
    spec: { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
  });
  await until('WaitForFirstConsumer', async () => (await events('fast-pvc')).some((e) => e.reason === 'WaitForFirstConsumer' && e.message === 'waiting for first consumer to be created before binding'));
  await c().create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fast-user', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hello > /data/f && sleep 3600'], volumeMounts: [{ name: 'v', mountPath: '/data' }] }],
      volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'fast-pvc' } }],
    },
  } as KObject);
  const claim = await until('claim Bound', async () => { const x = await c().get<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default', 'fast-pvc'); return x.status?.phase === 'Bound' && x; });
  const pvName = claim.spec.volumeName!;
  assert.equal(pvName, `pvc-${claim.metadata.uid}`);
  assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
  assert.equal(claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
  const pv = await c().get<PersistentVolume>(R.persistentvolumes, undefined, pvName);
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(pv.spec.storageClassName, 'local-path');
  const dir = `/opt/local-path-provisioner/${pvName}_default_fast-pvc`;
  assert.deepEqual(pv.spec.hostPath, { path: dir, type: 'DirectoryOrCreate' });
  assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms[0]!.matchExpressions, [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }]);
  const onDisk = path.join(cluster.nodeRoot, dir);
  assert.ok(existsSync(onDisk), 'directory made on the node');
  // Events are written by an asynchronous recorder: they may land just after the claim is Bound.
  await until('provisioning events', async () => {
    const ev = await events('fast-pvc');
    return ev.some((e) => e.reason === 'ExternalProvisioning' && e.message.startsWith("Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path'")) &&
      ev.some((e) => e.reason === 'Provisioning' && e.message === 'External provisioner is provisioning volume for claim "default/fast-pvc"') &&
      ev.some((e) => e.reason === 'ProvisioningSucceeded' && e.message === `Successfully provisioned volume ${pvName}`);
  });
  await until('pod Running', async () => (await c().get<Pod>(R.pods, 'default', 'fast-user')).status?.phase === 'Running');
  await until('data written', async () => existsSync(path.join(onDisk, 'f')));
  assert.ok(await gone(() => c().get(R.pods, 'kube-system', `helper-pod-create-${pvName}`)), 'helper pod deleted');

  await c().delete(R.pods, 'default', 'fast-user');
  await c().delete(R.persistentvolumeclaims, 'default', 'fast-pvc');
  await until('PV deleted', () => gone(() => c().get(R.persistentvolumes, undefined, pvName)));
  assert.ok(!existsSync(onDisk), 'directory removed from the node');
});

test('Recycle: the recycler pod scrubs the hostPath volume and it is Available again', async () => {
  const dir = path.join(cluster.nodeRoot, 'srv/recycle');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'old.txt'), 'x');
  writeFileSync(path.join(dir, '.hidden'), 'x');
  await c().create(R.persistentvolumes, undefined, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'recycle-pv' },
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Recycle', storageClassName: '',
      hostPath: { path: '/srv/recycle' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } },
    },
  });
  await c().create(R.persistentvolumeclaims, 'default', {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'recycle-pvc', namespace: 'default' },
    spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
  await until('bound', async () => (await c().get<PersistentVolume>(R.persistentvolumes, undefined, 'recycle-pv')).status?.phase === 'Bound');
  await c().delete(R.persistentvolumeclaims, 'default', 'recycle-pvc');
  const pv = await until('Available again', async () => {
    const v = await c().get<PersistentVolume>(R.persistentvolumes, undefined, 'recycle-pv');
    return v.status?.phase === 'Available' && v;
  }, 60_000);
  assert.equal(pv.spec.claimRef, undefined, 'controller binding removed');
  assert.deepEqual(readdirSync(dir), [], 'scrubbed, hidden files included');
  await until('VolumeRecycled event', async () => (await events('recycle-pv')).some((e) => e.reason === 'VolumeRecycled' && e.message === 'Volume recycled'));
  assert.ok(await gone(() => c().get(R.pods, 'default', 'recycler-for-recycle-pv')), 'recycler pod deleted');
});

test('unsupported reclaim: local volume with Recycle or Delete → Failed with the upstream messages', async () => {
  for (const [policy, name] of [['Recycle', 'local-recycle'], ['Delete', 'local-delete']] as const) {
    await c().create(R.persistentvolumes, undefined, {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: policy, storageClassName: '',
        local: { path: '/mnt/x' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } },
      },
    });
    await c().create(R.persistentvolumeclaims, 'default', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${name}-claim`, namespace: 'default' },
      spec: { storageClassName: '', volumeName: name, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await until('bound', async () => (await c().get<PersistentVolume>(R.persistentvolumes, undefined, name)).status?.phase === 'Bound');
    await c().delete(R.persistentvolumeclaims, 'default', `${name}-claim`);
    const v = await until('Failed', async () => { const x = await c().get<PersistentVolume>(R.persistentvolumes, undefined, name); return x.status?.phase === 'Failed' && x; });
    const want = policy === 'Recycle' ? 'No recycler plugin found for the volume!'
      : `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`;
    const reason = policy === 'Recycle' ? 'VolumeFailedRecycle' : 'VolumeFailedDelete';
    assert.equal(v.status?.message, want);
    await until(reason, async () => (await events(name)).some((e) => e.reason === reason && e.type === 'Warning' && e.message === want));
  }
});
