// The real kubectl against the API server over HTTPS with a bearer token and a SQLite datastore.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { Kubectl } from './testing/kubectl.js';
import { kubectlServer, type KubectlServer } from './testing/kubectl-server.js';
import { eventually, sleep } from './testing/harness.js';
import { HttpClient } from '../client/http.js';
import { R } from '../api/gvr.js';

const MANIFESTS = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-a
  labels: {tier: gold}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: /tmp/pv-a}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc-a
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: manual
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
`;

let srv: KubectlServer;
let port: number;
let k: Kubectl;
let caPem: string;
let token: string;

before(async () => {
  srv = await kubectlServer('apiserver-e2e');
  ({ port, kubectl: k } = srv);
  caPem = srv.pki.caPem; token = srv.pki.adminToken;
});

after(async () => { await srv.close(); });

const lines = (s: string) => s.trim().split('\n');

test('apply creates, re-apply is unchanged, a change is configured', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: MANIFESTS });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), ['persistentvolume/pv-a created', 'persistentvolumeclaim/pvc-a created', 'storageclass.storage.k8s.io/fast created']);
  r = await k.run(['apply', '-f', '-'], { input: MANIFESTS });
  assert.deepEqual(lines(r.stdout), ['persistentvolume/pv-a unchanged', 'persistentvolumeclaim/pvc-a unchanged', 'storageclass.storage.k8s.io/fast unchanged']);
  r = await k.run(['apply', '-f', '-'], { input: MANIFESTS.replace('tier: gold', 'tier: silver') });
  assert.deepEqual(lines(r.stdout), ['persistentvolume/pv-a configured', 'persistentvolumeclaim/pvc-a unchanged', 'storageclass.storage.k8s.io/fast unchanged']);
  r = await k.run(['create', '-f', '-'], { input: MANIFESTS });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": persistentvolumes "pv-a" already exists/);
});

test('get: tables, several kinds, -A, -l, wide, yaml, json, jsonpath', async () => {
  let r = await k.run(['get', 'pv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(lines(r.stdout)[0]!, /^NAME\s/);
  assert.match(lines(r.stdout)[1]!, /^pv-a\s/);
  r = await k.run(['get', 'pv,pvc,sc']);
  assert.match(r.stdout, /^persistentvolume\/pv-a\s/m);
  assert.match(r.stdout, /^persistentvolumeclaim\/pvc-a\s/m);
  assert.match(r.stdout, /^storageclass\.storage\.k8s\.io\/fast\s/m);
  r = await k.run(['get', 'pvc', '-A']);
  assert.match(r.stdout, /^NAMESPACE\s+NAME\s/);
  assert.match(r.stdout, /^default\s+pvc-a\s/m);
  r = await k.run(['get', 'pv', '-l', 'tier=silver', '-o', 'wide']);
  assert.match(r.stdout, /^pv-a\s/m);
  r = await k.run(['get', 'pv', '-l', 'tier=gold']);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim(), 'No resources found');
  r = await k.run(['get', 'pv', 'pv-a', '-o', 'yaml']);
  assert.match(r.stdout, /^kind: PersistentVolume$/m);
  assert.match(r.stdout, /^ {2}resourceVersion: "\d+"$/m);
  r = await k.run(['get', 'pvc', 'pvc-a', '-o', 'json']);
  const pvc = JSON.parse(r.stdout) as { metadata: { finalizers: string[]; namespace: string } };
  assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  assert.equal(pvc.metadata.namespace, 'default');
  r = await k.run(['get', 'pv', 'pv-a', '-o', 'jsonpath={.metadata.labels.tier} {.spec.hostPath.path}']);
  assert.equal(r.stdout, 'silver /tmp/pv-a');
  r = await k.run(['get', 'pv', 'nope']);
  assert.equal(r.stderr.trim(), 'Error from server (NotFound): persistentvolumes "nope" not found');
});

test('describe pv works without events', async () => {
  const r = await k.run(['describe', 'pv', 'pv-a']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name:\s+pv-a$/m);
  assert.match(r.stdout, /^Labels:\s+tier=silver$/m);
  assert.match(r.stdout, /^Finalizers:\s+\[kubernetes.io\/pv-protection\]$/m);
  assert.match(r.stdout, /^Events:\s+<none>$/m);
});

test('patch (merge, json, strategic), label, annotate', async () => {
  let r = await k.run(['patch', 'pv', 'pv-a', '--type', 'merge', '-p', '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}']);
  assert.equal(r.stdout.trim(), 'persistentvolume/pv-a patched', r.stderr);
  r = await k.run(['patch', 'pv', 'pv-a', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/x","value":"y"}]']);
  assert.equal(r.stdout.trim(), 'persistentvolume/pv-a patched', r.stderr);
  r = await k.run(['patch', 'pvc', 'pvc-a', '-p', '{"metadata":{"labels":{"s":"t"}}}']);
  assert.equal(r.stdout.trim(), 'persistentvolumeclaim/pvc-a patched', r.stderr);
  r = await k.run(['label', 'pv', 'pv-a', 'env=prod']);
  assert.equal(r.stdout.trim(), 'persistentvolume/pv-a labeled', r.stderr);
  r = await k.run(['annotate', 'pvc', 'pvc-a', 'note=hi']);
  assert.equal(r.stdout.trim(), 'persistentvolumeclaim/pvc-a annotated', r.stderr);
  r = await k.run(['get', 'pv', 'pv-a', '-o', 'jsonpath={.spec.persistentVolumeReclaimPolicy} {.metadata.labels}']);
  assert.equal(r.stdout, 'Delete {"env":"prod","tier":"silver","x":"y"}');
  r = await k.run(['get', 'pvc', 'pvc-a', '-o', 'jsonpath={.metadata.labels.s} {.metadata.annotations.note}']);
  assert.equal(r.stdout, 't hi');
});

test('get -w sees a change; wait --for=delete ends on DELETED', async () => {
  const w = k.spawn(['get', 'pv', '-w', '--no-headers']);
  const w1 = k.spawn(['get', 'pv', 'pv-a', '-w', '--no-headers']);
  await eventually(() => w.output().includes('pv-a') && w1.output().includes('pv-a'), 10_000);
  await k.run(['label', 'pv', 'pv-a', 'watched=yes']);
  await eventually(() => lines(w.output()).length >= 2 && lines(w1.output()).length >= 2, 10_000);
  w.kill(); w1.kill();
  const waiter = k.spawn(['wait', '--for=delete', 'pv/pv-a', '--timeout=20s']);
  await sleep(500);
  let r = await k.run(['delete', 'pv', 'pv-a', '--wait=false']);
  assert.equal(r.stdout.trim(), 'persistentvolume "pv-a" deleted');
  // The protection finalizer holds it until its controller (or we) remove it.
  r = await k.run(['get', 'pv', 'pv-a', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
  assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await k.run(['patch', 'pv', 'pv-a', '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
  const res = await waiter.result;
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.trim(), 'persistentvolume/pv-a condition met');
});

test('delete --all --wait', async () => {
  for (const n of ['a', 'b']) {
    const r = await k.run(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${n}}\ndata: {k: v}\n` });
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await k.run(['delete', 'configmap', '--all', '--wait']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).sort(), ['configmap "cm-a" deleted', 'configmap "cm-b" deleted']);
  const g = await k.run(['get', 'cm']);
  assert.equal(g.stderr.trim(), 'No resources found in default namespace.');
});

test('strict decoding: a typo is a 400 with the upstream text; --validate=warn creates with a warning', async () => {
  const bad = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad}\nspec:\n  volumneName: x\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n';
  let r = await k.run(['apply', '-f', '-'], { input: bad });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: strict decoding error: unknown field "spec.volumneName"');
  r = await k.run(['create', '-f', '-', '--validate=warn'], { input: bad });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: unknown field "spec.volumneName"/);
  assert.equal(r.stdout.trim(), 'persistentvolumeclaim/bad created');
});

test('server-side apply creates (201) and updates; --dry-run=server persists nothing; a typo in an update is strict too', async () => {
  const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: nginx, image: nginx}]\n';
  let r = await k.run(['apply', '--server-side', '-f', '-'], { input: dep });
  assert.equal(r.stdout.trim(), 'deployment.apps/web serverside-applied', r.stderr);
  r = await k.run(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}', '--show-managed-fields']);
  assert.equal(r.stdout, 'kubectl/Apply');
  r = await k.run(['scale', 'deploy', 'web', '--replicas=4']);
  assert.equal(r.stdout.trim(), 'deployment.apps/web scaled', r.stderr);
  r = await k.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']);
  assert.equal(r.stdout, '4');
  r = await k.run(['apply', '--dry-run=server', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n' });
  assert.equal(r.stdout.trim(), 'configmap/dry created (server dry run)', r.stderr);
  r = await k.run(['get', 'cm', 'dry']);
  assert.equal(r.stderr.trim(), 'Error from server (NotFound): configmaps "dry" not found');
  r = await k.run(['apply', '-f', '-'], { input: MANIFESTS.replace('storageClassName: manual\n---\napiVersion: storage', 'storageClassName: manual\n  volumneName: x\n---\napiVersion: storage') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error when patching "STDIN": strict decoding error: unknown field "spec.volumneName"$/m);
});

test('api-resources, legacy discovery with pods/eviction, auth can-i, whoami, explain', async () => {
  let r = await k.run(['api-resources']);
  assert.match(r.stdout, /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m);
  assert.match(r.stdout, /^storageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass$/m);
  r = await k.run(['get', '--raw', '/api/v1']);
  const list = JSON.parse(r.stdout) as { resources: { name: string; group?: string; version?: string; kind: string }[] };
  assert.deepEqual(list.resources.find((x) => x.name === 'pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  r = await k.run(['auth', 'can-i', 'create', 'pods']);
  assert.equal(r.stdout.trim(), 'yes', r.stderr);
  r = await k.run(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  assert.equal(r.stdout, 'system:admin', r.stderr); // the admin token's user, as `up` serves it
  r = await k.run(['explain', 'pv.spec.local']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KIND:\s+PersistentVolume$/m);
  assert.match(r.stdout, /^FIELD:\s+local <LocalVolumeSource>$/m);
  r = await k.run(['get', '--raw', '/readyz']);
  assert.equal(r.stdout, 'ok');
});

test('401 without or with a wrong token; 413 over 3 MiB; unknown paths 404', async () => {
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer) => new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, method, ca: caPem, headers }, (res) => {
      let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ code: res.statusCode!, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
  let r = await get('/api/v1/persistentvolumes');
  assert.equal(r.code, 401);
  assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  r = await get('/api/v1/persistentvolumes', { Authorization: 'Bearer wrong' });
  assert.equal(r.code, 401);
  const kr = await k.run(['get', 'pv', '--token', 'wrong']);
  assert.equal(kr.code, 1);
  assert.equal(kr.stderr.trim(), "error: You must be logged in to the server (Unauthorized)");
  const big = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { k: 'x'.repeat(3 * 1024 * 1024 + 10) } }));
  r = await get('/api/v1/namespaces/default/configmaps', { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, 'POST', big);
  assert.equal(r.code, 413);
  assert.equal(JSON.parse(r.body).message, 'Request entity too large: limit is 3145728');
  r = await get('/nope', { Authorization: `Bearer ${token}` });
  assert.equal(r.code, 404);
  r = await get('/api/v1/namespaces/default/configmaps', { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, 'POST', Buffer.from('{"kind":'));
  assert.equal(r.code, 400);
  assert.equal(JSON.parse(r.body).kind, 'Status');
});

test('older and newer kubectl binaries (1.27, 1.33)', async () => {
  for (const v of ['1.27', '1.33']) {
    const bin = `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
    let r = await k.run(['get', 'pvc', 'pvc-a', '-o', 'jsonpath={.metadata.name}'], { bin });
    assert.equal(r.stdout, 'pvc-a', `${v}: ${r.stderr}`);
    r = await k.run(['get', 'sc'], { bin });
    assert.match(r.stdout, /^fast\s/m, `${v}: ${r.stderr}`);
    r = await k.run(['label', 'pvc', 'pvc-a', `v${v.replace('.', '')}=yes`], { bin });
    assert.equal(r.stdout.trim(), 'persistentvolumeclaim/pvc-a labeled', `${v}: ${r.stderr}`);
  }
});

test('HttpClient: CRUD and a streamed watch over HTTPS', async () => {
  const c = new HttpClient({ server: `https://127.0.0.1:${port}`, token, ca: caPem });
  const list = await c.list(R.configmaps, 'default');
  const events: string[] = [];
  const h = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => events.push(`${e.type} ${e.object.metadata.name}`));
  await c.create(R.configmaps, 'default', { metadata: { name: 'hc' }, data: { a: '1' } });
  await c.patch(R.configmaps, 'default', 'hc', 'merge', { data: { a: '2' } });
  await c.delete(R.configmaps, 'default', 'hc');
  await eventually(() => events.length >= 3, 5000);
  assert.deepEqual(events, ['ADDED hc', 'MODIFIED hc', 'DELETED hc']);
  await assert.rejects(c.get(R.configmaps, 'default', 'hc'), { code: 404, message: 'configmaps "hc" not found' });
  h.stop();
  await h.done;
  c.close();
});
