// The same components split across processes (`stowage server` + `stowage agent` over HTTPS with tokens), and
// `stowage up` on the etcd datastore (Debian's etcd-server) surviving a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/object.js';
import { HttpClient } from '../../src/client/http.js';
import { startEtcd } from '../../src/datastore/etcd-server.js';
import { ROOT, UpProcess, freePort } from './cluster.js';

const kubectl = (kubeconfig: string, args: string[]) => new Promise<string>((resolve, reject) => {
  execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECACHEDIR: join(tmpdir(), `kc-${process.pid}`) } },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('server and agent in separate processes: the agent joins over HTTPS and runs pods', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-split-'));
  const port = await freePort();
  const server = spawn(join(ROOT, 'bin/stowage'), ['server', '--data-dir', join(dir, 'server'), '--port', String(port)], { stdio: 'ignore' });
  let agent: ReturnType<typeof spawn> | undefined;
  try {
    const kubeconfig = join(dir, 'server', 'kubeconfig');
    await until('server kubeconfig', async () => (existsSync(kubeconfig) ? true : undefined));
    const token = readFileSync(join(dir, 'server', 'tls', 'node.token'), 'utf8').trim();
    agent = spawn(join(ROOT, 'bin/stowage'), ['agent', '--server', `https://127.0.0.1:${port}`, '--token', token, '--ca', join(dir, 'server', 'tls', 'ca.crt'), '--name', 'far-node', '--root', join(dir, 'far-node')], { stdio: 'ignore' });
    const client = HttpClient.fromKubeconfig(kubeconfig);
    await until('node far-node Ready', async () => {
      const n = await client.get<KObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>(R.nodes, undefined, 'far-node');
      return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    });
    await kubectl(kubeconfig, ['run', 'far-pod', '--image=busybox', '--', 'sh', '-c', 'echo from-far > /tmp/f; sleep 300']);
    const pod = await until('far-pod Running', async () => {
      const p = await client.get<KObject & { spec: { nodeName?: string }; status?: { phase?: string } }>(R.pods, 'default', 'far-pod');
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(pod.spec.nodeName, 'far-node');
    assert.equal((await kubectl(kubeconfig, ['exec', 'far-pod', '--', 'cat', '/tmp/f'])).trim(), 'from-far');
    // A wrong token is refused.
    const bad = new HttpClient({ server: `https://127.0.0.1:${port}`, token: 'nope', ca: readFileSync(join(dir, 'server', 'tls', 'ca.crt')) });
    await assert.rejects(bad.list(R.nodes, undefined), (e: Error) => /Unauthorized/.test(e.message));
  } finally {
    agent?.kill('SIGTERM');
    await new Promise((r) => (agent && agent.exitCode === null ? agent.once('exit', r) : r(null)));
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r(null)));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('up on etcd keeps every object across a restart', { timeout: 60_000, skip: existsSync('/usr/bin/etcd') ? false : '/usr/bin/etcd is not installed (Debian etcd-server)' }, async () => {
  const etcd = await startEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-etcd-'));
  const up = new UpProcess(dir, await freePort(), ['--nodes', 'etcd-node', '--datastore', etcd.url.replace(/^http/, 'etcd')]);
  try {
    await up.start();
    await kubectl(up.kubeconfig, ['create', 'configmap', 'kept', '--from-literal=k=v']);
    await up.stop();
    await up.start();
    assert.equal(await kubectl(up.kubeconfig, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.k}']), 'v');
    assert.match(await kubectl(up.kubeconfig, ['get', 'nodes', 'etcd-node', '--no-headers']), /^etcd-node +Ready/);
  } finally {
    await up.stop();
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
