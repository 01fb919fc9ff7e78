// The real kubectl's typed clients send protobuf bodies for built-in kinds (no JSON fallback): create
// configmap/namespace/secret/deployment/service/serviceaccount against the API server (SQLite datastore), each
// read back with `get -o json`. A recording proxy in front of the server keeps the protobuf bodies, so the test
// also checks that each decodes to exactly what `kubectl create … --dry-run=client -o json` prints for the same
// object (client-go's own JSON of the Go struct) and that protobuf-encode.ts rebuilds the bytes exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openDatastore } from '../../datastore/index.js';
import type { Datastore } from '../../datastore/types.js';
import { createApiServer, type ApiServer } from '../index.js';
import { Kubectl } from '../testing/kubectl.js';
import { decodeProtobuf } from './protobuf.js';
import { encodeProtobuf } from './protobuf-encode.js';

interface Captured { method: string; url: string; body: Buffer }

let dir: string;
let ds: Datastore;
let server: ApiServer;
let proxy: http.Server;
let k: Kubectl;
const captured: Captured[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stowage-protobuf-e2e-'));
  ds = await openDatastore('sqlite', { dataDir: dir });
  server = createApiServer({ datastore: ds });
  const { port } = await server.listen({ port: 0, host: '127.0.0.1' }); // plain HTTP, every request is the admin
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (/protobuf/.test(req.headers['content-type'] ?? '')) captured.push({ method: req.method!, url: req.url!, body });
      const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyPort = (proxy.address() as { port: number }).port;
  k = new Kubectl(stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 's', cluster: { server: `http://127.0.0.1:${proxyPort}` } }],
    users: [{ name: 'u', user: {} }],
    contexts: [{ name: 's', context: { cluster: 's', user: 'u', namespace: 'default' } }],
    'current-context': 's',
  }));
});

after(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await server.close();
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(k.dir, { recursive: true, force: true });
});

/** Runs `kubectl create …`, returns the protobuf body it sent after checking it against the dry-run JSON. */
async function createAndCompare(args: string[]): Promise<Record<string, unknown>> {
  const dry = await k.run([...args, '--dry-run=client', '-o', 'json']);
  assert.equal(dry.code, 0, dry.stderr);
  const from = captured.length;
  const r = await k.run(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  const posts = captured.slice(from).filter((c) => c.method === 'POST');
  assert.equal(posts.length, 1, `one protobuf POST for ${args.join(' ')}`);
  const body = posts[0]!.body;
  const decoded = decodeProtobuf(body);
  assert.deepEqual(decoded, JSON.parse(dry.stdout), `${args.join(' ')}: decoded body = client-go's JSON of the object`);
  assert.ok(encodeProtobuf(decoded as never).equals(body), `${args.join(' ')}: re-encoded byte for byte`);
  return decoded as Record<string, unknown>;
}

async function getJson(args: string[]): Promise<Record<string, any>> {
  const r = await k.run(['get', ...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>;
}

test('create configmap (protobuf body) and read it back', async () => {
  await createAndCompare(['create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=z=last']);
  const cm = await getJson(['configmap', 'c1']);
  assert.deepEqual(cm.data, { a: 'b', z: 'last' });
  assert.equal(cm.metadata.namespace, 'default');
  assert.match(cm.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('create namespace', async () => {
  await createAndCompare(['create', 'namespace', 'ns1']);
  const ns = await getJson(['namespace', 'ns1']);
  assert.equal(ns.metadata.name, 'ns1');
  assert.equal(ns.status.phase, 'Active');
});

test('create secret generic with a literal and a binary file', async () => {
  const bin = join(dir, 'blob.bin');
  writeFileSync(bin, Buffer.from([0, 1, 2, 0xfa, 0xfb, 0xff]));
  await createAndCompare(['create', 'secret', 'generic', 's1', '--from-literal=user=admin', `--from-file=blob=${bin}`]);
  const s = await getJson(['secret', 's1']);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { blob: 'AAEC+vv/', user: Buffer.from('admin').toString('base64') });
});

test('create deployment --replicas=2', async () => {
  await createAndCompare(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80']);
  const d = await getJson(['deployment', 'web']);
  assert.equal(d.spec.replicas, 2);
  assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
  assert.equal(d.spec.template.spec.containers[0].image, 'nginx');
  assert.deepEqual(d.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
});

test('create service clusterip --tcp=80:8080', async () => {
  await createAndCompare(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
  const svc = await getJson(['service', 'web']);
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.deepEqual(svc.spec.ports, [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
  assert.deepEqual(svc.spec.selector, { app: 'web' });
});

test('create serviceaccount', async () => {
  await createAndCompare(['create', 'serviceaccount', 'sa1']);
  const sa = await getJson(['serviceaccount', 'sa1']);
  assert.equal(sa.metadata.name, 'sa1');
});
