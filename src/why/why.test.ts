// `why` against the in-process API server: states are written through the API as the controllers would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer, type ApiServer } from '../apiserver/index.js';
import { createMemoryDatastore } from '../datastore/memory.js';
import { R, type GVR } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import type { Client } from '../client/types.js';
import { explainObject } from './index.js';

let server: ApiServer;
let client: Client;
before(async () => { server = createApiServer({ datastore: createMemoryDatastore() }); await server.ready(); client = server.client(); });
after(async () => { await server.close(); });

async function put(gvr: GVR, obj: KObject, status?: Record<string, unknown>): Promise<void> {
  const ns = gvr.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
  const created = await client.create(gvr, ns, obj);
  if (status) await client.update(gvr, ns, { ...created, status }, { subresource: 'status' });
}
const node = (name: string, unschedulable = false): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { unschedulable } });

test('pod Pending because the only node its volume may use is cordoned', async () => {
  await put(R.nodes, node('k8s-w1'));
  await put(R.nodes, node('k8s-w2', true));
  await put(R.persistentvolumes, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-123' },
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', hostPath: { path: '/opt/x' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'myapp-data-web-0' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['k8s-w2'] }] }] } },
    },
  }, { phase: 'Bound' });
  await put(R.persistentvolumeclaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'myapp-data-web-0', namespace: 'default', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path', volumeName: 'pvc-123' },
  }, { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] });
  await put(R.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'myapp-data-web-0' } }] },
  });
  const out = await explainObject(client, 'pod', 'web-0');
  assert.match(out, /^claim myapp-data-web-0 is Bound to volume pvc-123, which lives on k8s-w2\.$/m);
  assert.match(out, /^pod web-0 is Pending because node k8s-w2, the only node its volume pvc-123 may use, is cordoned\.$/m);
  assert.match(out, /^Next step: kubectl uncordon k8s-w2$/m);
});

test('claim waiting for its first consumer, missing class, Released volume', async () => {
  await put(R.storageclasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'wait' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  await put(R.persistentvolumeclaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'lonely', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'wait' },
  });
  let out = await explainObject(client, 'pvc', 'lonely');
  assert.match(out, /^claim lonely waits for its first consumer: class wait binds only once a pod that uses the claim is scheduled \(WaitForFirstConsumer\), and no pod uses it yet\.$/m);
  assert.match(out, /^Next step: create a pod that mounts claim lonely$/m);

  await put(R.persistentvolumeclaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'ceph', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'rook-ceph-block' },
  });
  out = await explainObject(client, 'persistentvolumeclaim', 'ceph');
  assert.match(out, /storageclass\.storage\.k8s\.io "rook-ceph-block" not found/);
  assert.match(out, /^Next step: create StorageClass rook-ceph-block/m);

  await put(R.persistentvolumes, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'mongodb-pv' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/tmp/mongodb' }, claimRef: { namespace: 'default', name: 'mongodb-pvc', uid: 'gone' } },
  }, { phase: 'Released' });
  out = await explainObject(client, 'pv', 'mongodb-pv');
  assert.match(out, /^volume mongodb-pv is Released: its claim default\/mongodb-pvc was deleted and reclaim policy Retain keeps the data/m);
  assert.match(out, /^Next step: to reuse it: kubectl patch pv mongodb-pv --type json -p '\[\{"op":"remove","path":"\/spec\/claimRef"\}\]'$/m);
});

test('unknown kind and missing objects are said plainly', async () => {
  assert.match(await explainObject(client, 'deployment', 'x'), /why does not know the kind "deployment"/);
  assert.match(await explainObject(client, 'pod', 'nope'), /^pod nope does not exist in namespace default\.$/m);
});

test('pod Pending on a WaitForFirstConsumer claim: the scheduler message and the cordoned node to uncordon', async () => {
  await put(R.persistentvolumeclaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'myapp-data-web-1', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'wait' },
  });
  await put(R.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'myapp-data-web-1' } }] },
  });
  const msg = '0/2 nodes are available: 1 node(s) didn\'t find available persistent volumes to bind, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
  await put(R.events, {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' }, reason: 'FailedScheduling', type: 'Warning', message: msg,
    firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:00:00Z', count: 1, source: { component: 'default-scheduler' },
  });
  const out = await explainObject(client, 'pod', 'web-1');
  assert.match(out, /^claim myapp-data-web-1 waits for its first consumer, pod web-1, to be scheduled \(class wait is WaitForFirstConsumer\)\.$/m);
  assert.ok(out.includes(`pod web-1 is Pending; the scheduler says: ${msg}`));
  assert.match(out, /^Next step: kubectl uncordon k8s-w2$/m);
});
