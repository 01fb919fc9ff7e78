// Drives the real kubectl against a tiny node:http stub that serves legacy discovery (from the registry)
// and the generated OpenAPI v3 documents, to check `kubectl explain` and kubectl's server-side validation
// detection (fieldValidation=Strict) end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allKinds } from '../../registry/kinds/index.js';
import { openapiV3Doc, openapiV3Index } from './openapi.js';
import { ensureGenerated } from './testing.js';

const run = promisify(execFile);
let server: Server;
let dir: string;
const seen: string[] = [];

before(async () => {
  ensureGenerated();
  dir = mkdtempSync(join(tmpdir(), 'codec-oapi-'));
  const groups = new Map<string, typeof allKinds>();
  for (const k of allKinds) { const gv = k.names.group ? `${k.names.group}/${k.names.version}` : k.names.version; groups.set(gv, [...(groups.get(gv) ?? []), k]); }
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (code: number, body: unknown) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.4' });
    if (url.pathname === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups.keys()].filter((g) => g.includes('/')).map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })) });
    const gv = url.pathname === '/api/v1' ? 'v1' : url.pathname.replace(/^\/apis\//, '');
    if (groups.has(gv)) return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: groups.get(gv)!.map((k) => ({ name: k.names.resource, singularName: k.names.singular, namespaced: k.names.namespaced, kind: k.names.kind, verbs: k.verbs ?? ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: k.names.shortNames })) });
    if (url.pathname === '/openapi/v3') return json(200, openapiV3Index());
    const doc = url.pathname.startsWith('/openapi/v3/') ? openapiV3Doc(url.pathname.slice('/openapi/v3/'.length)) : undefined;
    if (doc) { res.writeHead(200, { 'Content-Type': 'application/json', ETag: `"${doc.hash}"` }); return res.end(doc.body); }
    if (req.method === 'POST' && url.pathname.endsWith('/persistentvolumeclaims')) {
      let body = ''; req.on('data', (c) => (body += c)); req.on('end', () => json(201, JSON.parse(body))); return;
    }
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  writeFileSync(join(dir, 'kubeconfig'), `apiVersion: v1\nkind: Config\nclusters: [{name: s, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: s, user: u, namespace: default}}]\ncurrent-context: c\n`);
});
after(() => { server?.close(); if (dir) rmSync(dir, { recursive: true, force: true }); });

const kubectl = (...args: string[]) => run('/usr/lib/google-cloud-sdk/bin/kubectl.1.32', ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], { timeout: 30_000 });

test('kubectl explain pv.spec.local prints the upstream description and fields', async () => {
  const { stdout } = await kubectl('explain', 'pv.spec.local');
  assert.match(stdout, /KIND:\s+PersistentVolume\nVERSION:\s+v1/);
  assert.match(stdout, /FIELD: local <LocalVolumeSource>/);
  assert.match(stdout, /Local represents directly-attached storage with node affinity/);
  assert.match(stdout, /path\t<string> -required-\n\s+path of the full path to the volume on the node\./);
});

test('kubectl explain pods --recursive walks the schema through $ref and allOf', async () => {
  const { stdout } = await kubectl('explain', 'pods', '--recursive');
  assert.match(stdout, /\n {4}containers\t<\[\]Container> -required-\n {6}args\t<\[\]string>\n/);
  assert.match(stdout, /\n {6}volumeMounts\t<\[\]VolumeMount>\n {8}mountPath\t<string> -required-\n/);
  assert.match(stdout, /\n {8}limits\t<map\[string\]Quantity>\n/);
});

test('kubectl create with validation on sends fieldValidation=Strict (the PATCH op declares it)', async () => {
  writeFileSync(join(dir, 'pvc.yaml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n');
  const { stdout } = await kubectl('create', '-f', join(dir, 'pvc.yaml'));
  assert.equal(stdout.trim(), 'persistentvolumeclaim/data created');
  assert.ok(seen.includes('POST /api/v1/namespaces/default/persistentvolumeclaims?fieldManager=kubectl-create&fieldValidation=Strict'), seen.join('\n'));
});
