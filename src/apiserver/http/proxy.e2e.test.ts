// pods/log and pods/exec through the API server to a node's kubelet endpoint (a stand-in kubelet here:
// an HTTPS server with the upstream paths), driven by the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createMemoryDatastore } from '../../datastore/memory.js';
import { createApiServer, type ApiServer } from '../index.js';
import { ensurePki, kubeconfigYaml } from '../pki.js';
import { Kubectl } from '../testing/kubectl.js';
import { R } from '../../api/gvr.js';

let dir: string;
let server: ApiServer;
let kubelet: https.Server;
let k: Kubectl;
const seen: { path: string; auth?: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stowage-proxy-e2e-'));
  const pki = await ensurePki(dir);
  const kpki = await ensurePki(join(dir, 'kubelet'));
  kubelet = https.createServer({ cert: kpki.certPem, key: kpki.keyPem }, (req, res) => {
    seen.push({ path: req.url!, auth: req.headers.authorization });
    if (req.url!.startsWith('/containerLogs/default/p1/main')) { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('line one\nline two\n'); return; }
    res.writeHead(404); res.end('not found');
  });
  // exec: the v5 WebSocket channel protocol (stdout = channel 1, status = channel 3).
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet.on('upgrade', (req, socket, head) => {
    seen.push({ path: req.url!, auth: req.headers.authorization });
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('hello from exec\n')]));
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' }))]));
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  server = createApiServer({ datastore: createMemoryDatastore(), kubeletToken: 'kubelet-secret' });
  const { port } = await server.listen({ port: 0, tls: { cert: pki.certPem, key: pki.keyPem }, authenticate: (t) => (t === pki.adminToken ? { username: 'admin', groups: [] } : undefined) });
  k = new Kubectl(kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: pki.caPem, token: pki.adminToken }));
  const c = server.client();
  await c.create(R.nodes, undefined, { metadata: { name: 'n1' } });
  await c.patch(R.nodes, undefined, 'n1', 'merge', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: (kubelet.address() as AddressInfo).port } } } }, { subresource: 'status' });
  await c.create(R.pods, 'default', { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'busybox' }] } });
  await c.patch(R.pods, 'default', 'p1', 'merge', { status: { phase: 'Running' } }, { subresource: 'status' });
  await c.create(R.pods, 'default', { metadata: { name: 'pending' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
});

after(async () => {
  await server.close();
  kubelet.closeAllConnections();
  kubelet.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(k.dir, { recursive: true, force: true });
});

test('kubectl logs streams the kubelet containerLogs answer with the kubelet token', async () => {
  const r = await k.run(['logs', 'p1', '--tail=5']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'line one\nline two\n');
  const hit = seen.find((s) => s.path.startsWith('/containerLogs/'));
  assert.equal(hit?.path, '/containerLogs/default/p1/main?tailLines=5');
  assert.equal(hit?.auth, 'Bearer kubelet-secret');
});

test('kubectl exec is piped through to the kubelet over the upgraded connection', async () => {
  const r = await k.run(['exec', 'p1', '--', 'echo', 'hi']);
  assert.equal(r.stdout, 'hello from exec\n', r.stderr);
  assert.equal(r.code, 0, r.stderr);
  const hit = seen.find((s) => s.path.startsWith('/exec/'));
  assert.match(hit!.path, /^\/exec\/default\/p1\/main\?command=echo&command=hi&container=main&stderr=true&stdout=true$/);
});

test('an unscheduled pod has no host: 400 as upstream', async () => {
  const r = await k.run(['logs', 'pending']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'Error from server (BadRequest): pod pending does not have a host assigned');
});
