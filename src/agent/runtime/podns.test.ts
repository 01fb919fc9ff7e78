// Pod network namespaces for real: containers of one pod share 127.0.0.1, two pods listen on the same
// port, the relay into a namespace (port-forward, probes), and the pause process that holds them.
// Needs root and bwrap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ensureBuiltinImages, ImageStore } from '../images/store.js';
import { startSandbox, stopSandbox, isRunning, removeSandbox, namespacePid, type SandboxSpec, type SandboxState } from './sandbox.js';
import { execInSandbox } from './exec.js';
import { ensurePodNamespaces, podNamespacePaths, podNamespacesExist, podNamespacesAvailable, releasePodNamespaces } from './podns.js';
import { dialInNamespace, tcpCheckInNamespace } from './netdial.js';
import { directSpawnCount } from './spawner.js';
import { mountsUnder, unmountIfMounted } from './mount.js';

let tmp: string; let images: ImageStore;
const started: Array<{ dir: string; st: SandboxState }> = [];
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-podns-'));
  await ensureBuiltinImages(path.join(os.tmpdir(), 'stowage-test-images'));
  images = new ImageStore(path.join(os.tmpdir(), 'stowage-test-images'));
});
after(async () => {
  for (const s of started) await stopSandbox(s.dir, s.st, 0).catch(() => {});
  for (const pod of ['pod-a', 'pod-b', 'pod-c', 'pod-d']) await releasePodNamespaces(path.join(tmp, pod));
  for (const m of mountsUnder(tmp)) await unmountIfMounted(m);
  rmSync(tmp, { recursive: true, force: true });
});

function spec(pod: string, name: string, argv: string[], join?: SandboxSpec['join']): SandboxSpec {
  const dir = path.join(tmp, pod, 'containers', name);
  return { dir, lowerdir: images.resolve('busybox')!.rootfs, argv, env: [['PATH', '/bin:/usr/bin']], hostname: pod, etcFiles: {}, mounts: [], logPath: path.join(tmp, pod, 'logs', `${name}.log`), join };
}
async function start(s: SandboxSpec): Promise<SandboxState> { const st = await startSandbox(s); started.push({ dir: s.dir, st }); return st; }
function run(nsPid: number, cmd: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = execInSandbox({ nsPid, env: [['PATH', '/bin:/usr/bin']] }, cmd);
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d)); c.stderr!.on('data', (d: Buffer) => (out += d));
    c.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}
async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await new Promise((r) => setTimeout(r, 20)); }
}
const readAll = (d: import('node:stream').Duplex, send: string) => new Promise<string>((resolve, reject) => {
  let s = ''; d.on('data', (b: Buffer) => (s += b)); d.on('end', () => resolve(s)); d.on('error', reject); d.end(send);
});
const HTTPD = (port: number, body: string) => ['sh', '-c', `mkdir -p /w && echo ${body} > /w/index.html && exec httpd -f -p ${port} -h /w`];

test('pinned namespaces are available here (root)', () => { assert.equal(podNamespacesAvailable(), true); });

test('containers of one pod share 127.0.0.1; two pods listen on the same port; the node port stays free', async () => {
  const [a, b] = [path.join(tmp, 'pod-a'), path.join(tmp, 'pod-b')];
  const spawnsBefore = directSpawnCount();
  const nsA = await ensurePodNamespaces(a);
  const nsB = await ensurePodNamespaces(b);
  // Through the helper shells: no fork of this (possibly large) process per pod.
  assert.equal(directSpawnCount(), spawnsBefore);
  assert.ok(podNamespacesExist(a) && podNamespacesExist(b));
  assert.notEqual(readlinkSync(nsA.net), readlinkSync(nsB.net));
  assert.notEqual(readlinkSync(nsA.ipc), readlinkSync(nsB.ipc));
  const webA = spec('pod-a', 'web', HTTPD(18480, 'from-a'), nsA);
  const webB = spec('pod-b', 'web', HTTPD(18480, 'from-b'), nsB);
  const sidecar = spec('pod-a', 'sidecar', ['sleep', '3600'], nsA);
  const stA = await start(webA); const stB = await start(webB); await start(sidecar);
  const side = namespacePid(sidecar.dir)!;
  await until('pod-a web answers its sidecar', async () => (await run(side, ['wget', '-qO-', 'http://127.0.0.1:18480/'])).out === 'from-a\n');
  assert.ok(isRunning(stA) && isRunning(stB), 'both web servers bound port 18480');
  // Through the relay, as port-forward connects.
  assert.match(await readAll(dialInNamespace(nsB.net, 18480), 'GET / HTTP/1.0\r\n\r\n'), /\r\n\r\nfrom-b\n$/);
  assert.deepEqual(await tcpCheckInNamespace(nsA.net, 18480, 1), { ok: true, output: '' });
  assert.deepEqual(await tcpCheckInNamespace(nsA.net, 18481, 1), { ok: false, output: 'dial tcp 127.0.0.1:18481: connect: connection refused' });
  // Nothing listens on the node's own loopback.
  const hostConnect = await new Promise<string>((resolve) => { const s = net.connect(18480, '127.0.0.1'); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')); });
  assert.equal(hostConnect, 'ECONNREFUSED');
  // exec enters the pod's network namespace too: the same loopback.
  const nsOfExec = (await run(side, ['readlink', '/proc/self/ns/net'])).out.trim();
  const nsOfWeb = (await run(namespacePid(webA.dir)!, ['readlink', '/proc/self/ns/net'])).out.trim();
  assert.equal(nsOfExec, nsOfWeb);
  assert.notEqual(nsOfExec, (await run(namespacePid(webB.dir)!, ['readlink', '/proc/self/ns/net'])).out.trim());
  assert.notEqual(nsOfExec, readlinkSync('/proc/self/ns/net'), 'not the node network');
});

test('a refused connection through the relay fails with the Go dial error', async () => {
  const ns = await ensurePodNamespaces(path.join(tmp, 'pod-c'));
  const d = dialInNamespace(ns.net, 18999);
  const err = await new Promise<Error>((resolve) => { d.on('error', resolve); d.resume(); });
  assert.equal(err.message, 'dial tcp 127.0.0.1:18999: connect: connection refused');
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('the pause process outlives its starter, is found again, adds no mount, and goes when released', async () => {
  const dir = path.join(tmp, 'pod-d');
  const ns = await ensurePodNamespaces(dir, '10.99.0.7');
  const netns = readlinkSync(ns.net);
  assert.equal(podNamespacesExist(dir), true);
  assert.deepEqual(mountsUnder(dir), [], 'nothing is mounted for the pod sandbox');
  // A second call (as after an agent restart) keeps the same namespaces.
  assert.deepEqual(await ensurePodNamespaces(dir), ns);
  assert.equal(readlinkSync(ns.net), netns);
  const s = spec('pod-d', 'web', HTTPD(18480, 'from-d'), ns);
  const st = await start(s);
  await until('d answers', async () => { try { return /from-d/.test(await readAll(dialInNamespace(ns.net, 18480), 'GET / HTTP/1.0\r\n\r\n')); } catch { return false; } });
  // The pod's address is on its loopback, and its container sees it.
  assert.match(execFileSync('nsenter', [`--net=${ns.net}`, 'ip', '-o', 'addr', 'show', 'lo'], { encoding: 'utf8' }), /inet 10\.99\.0\.7\/32/);
  // A pause process of its own session: a Ctrl-C to the agent's terminal does not reach it.
  const pid = Number(ns.net.split('/')[2]);
  assert.notEqual(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3], readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[3]);
  await stopSandbox(s.dir, st, 0); await removeSandbox(s.dir);
  await releasePodNamespaces(dir);
  assert.equal(podNamespacesExist(dir), false);
  assert.equal(podNamespacePaths(dir), undefined);
});

test('a pause process that died is replaced by a new one with new namespaces', async () => {
  const dir = path.join(tmp, 'pod-e');
  const ns = await ensurePodNamespaces(dir);
  const netns = readlinkSync(ns.net);
  process.kill(Number(ns.net.split('/')[2]), 'SIGKILL');
  await until('pause gone', () => !podNamespacesExist(dir));
  const again = await ensurePodNamespaces(dir);
  assert.notDeepEqual(again, ns);
  assert.notEqual(readlinkSync(again.net), netns);
  await releasePodNamespaces(dir);
});

test('a pause process whose record was never written (the agent died in between) is found and stopped', async () => {
  const dir = path.join(tmp, 'pod-f');
  const first = await ensurePodNamespaces(dir);
  const firstPid = Number(first.net.split('/')[2]);
  rmSync(path.join(dir, 'ns/pause.json'));
  const second = await ensurePodNamespaces(dir);
  assert.notDeepEqual(second, first);
  await until('the stray pause is gone', () => { try { return readFileSync(`/proc/${firstPid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'); } catch { return true; } });
  // Released without a record too: nothing of the pod keeps running.
  const secondPid = Number(second.net.split('/')[2]);
  rmSync(path.join(dir, 'ns/pause.json'));
  await releasePodNamespaces(dir);
  await until('the unrecorded pause is gone', () => { try { return readFileSync(`/proc/${secondPid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'); } catch { return true; } });
});

test('hostNetwork: a sandbox without a net join uses the node network', async () => {
  const s = spec('pod-h', 'web', HTTPD(18482, 'host'), {});
  await start(s);
  await until('host port answers', () => new Promise<boolean>((resolve) => { const c = net.connect(18482, '127.0.0.1'); c.on('connect', () => { c.destroy(); resolve(true); }); c.on('error', () => resolve(false)); }));
});
