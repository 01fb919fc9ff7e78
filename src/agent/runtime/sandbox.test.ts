// The sandbox for real: namespaces, hostname, read-only mounts, overlay root, CRI log lines, exit codes,
// SIGTERM then SIGKILL, and exec entering the running sandbox. Needs root and bwrap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, existsSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuiltinImages, ImageStore, normalizeRef } from '../images/store.js';
import { startSandbox, stopSandbox, isRunning, sandboxExit, removeSandbox, namespacePid, type SandboxSpec, type SandboxState } from './sandbox.js';
import { execInSandbox } from './exec.js';
import { parseCRILine } from './logs.js';
import { mountsUnder, unmountIfMounted } from './mount.js';

let tmp: string; let images: ImageStore;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-sb-'));
  await ensureBuiltinImages(path.join(os.tmpdir(), 'stowage-test-images'));
  images = new ImageStore(path.join(os.tmpdir(), 'stowage-test-images'));
});
// Every sandbox a test started is stopped at the end, also when the test failed half-way.
const started: Array<{ dir: string; st: SandboxState }> = [];
async function start(s: SandboxSpec): Promise<SandboxState> { const st = await startSandbox(s); started.push({ dir: s.dir, st }); return st; }
after(async () => {
  for (const x of started) await stopSandbox(x.dir, x.st, 0).catch(() => {});
  for (const m of mountsUnder(tmp)) await unmountIfMounted(m);
  rmSync(tmp, { recursive: true, force: true });
});

function spec(name: string, argv: string[], more: Partial<SandboxSpec> = {}): SandboxSpec {
  return { dir: path.join(tmp, name), lowerdir: images.resolve('busybox:1.36')!.rootfs, argv, env: [['PATH', '/bin:/usr/bin'], ['GREETING', 'hello']], hostname: name, etcFiles: { hostname: name + '\n' }, mounts: [], logPath: path.join(tmp, 'logs', name, '0.log'), ...more };
}
async function waitExit(s: SandboxSpec, st: { bwrapPid: number; bwrapStart: number }): Promise<number> {
  for (let i = 0; i < 500 && isRunning({ ...st, startedAt: '' }); i++) await new Promise((r) => setTimeout(r, 10));
  return sandboxExit(s.dir).exitCode;
}
const logText = (s: SandboxSpec) => readFileSync(s.logPath, 'utf8').split('\n').filter(Boolean).map((l) => parseCRILine(l)!);

test('image references map to the built-in store', () => {
  assert.equal(normalizeRef('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalizeRef('nginx:alpine'), 'docker.io/library/nginx:alpine');
  assert.equal(normalizeRef('registry.k8s.io/pause:3.9'), 'registry.k8s.io/pause:3.9');
  assert.ok(images.resolve('nginx:alpine')); assert.ok(images.resolve('docker.io/library/alpine:3.19'));
  assert.equal(images.resolve('postgres:16'), undefined);
});

test('own PID/UTS namespaces, hostname, env, stdout/stderr as CRI lines, exit code', async () => {
  const s = spec('ns1', ['sh', '-c', 'echo "pid=$$ host=$(hostname) env=$GREETING"; echo oops >&2; exit 7']);
  const st = await start(s);
  assert.equal(await waitExit(s, st), 7);
  await new Promise((r) => setTimeout(r, 100));
  // The two streams are written by separate pipes: their relative order is not guaranteed (as with CRI).
  const lines = logText(s).sort((a, b) => b.stream.localeCompare(a.stream));
  assert.deepEqual(lines.map((l) => [l.stream, l.text]), [['stdout', 'pid=2 host=ns1 env=hello'], ['stderr', 'oops']]);
  assert.match(lines[0]!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  await removeSandbox(s.dir);
  assert.equal(existsSync(s.dir), false);
});

test('log lines carry sub-second times close to the wall clock', async () => {
  const s = spec('ts1', ['sh', '-c', 'echo a; sleep 0.3; echo b']);
  const t0 = Date.now();
  await waitExit(s, await start(s));
  await new Promise((r) => setTimeout(r, 100));
  const [a, b] = logText(s).map((l) => Date.parse(l.time));
  assert.ok(Math.abs(a! - t0) < 1000, `first line at ${a! - t0} ms from the start`);
  assert.ok(b! - a! >= 250 && b! - a! < 1000, `0.3 s apart: ${b! - a!} ms`);
});

test('read-only bind mounts refuse writes; writable layer is private to the container', async () => {
  const ro = path.join(tmp, 'ro'); mkdirSync(ro);
  const s = spec('ro1', ['sh', '-c', 'echo x > /ro/f 2>&1; echo y > /bin/new && cat /bin/new'], { mounts: [{ source: ro, destination: '/ro', readOnly: true }] });
  const st = await start(s);
  await waitExit(s, st);
  await new Promise((r) => setTimeout(r, 100));
  const out = logText(s).map((l) => l.text).join('\n');
  assert.match(out, /Read-only file system/);
  assert.match(out, /^y$/m);
  assert.equal(existsSync(path.join(images.resolve('busybox')!.rootfs, 'bin/new')), false);
  assert.equal(existsSync(path.join(ro, 'f')), false);
});

test('a command that cannot be executed is a StartError with runc\'s message, not an exit code of its own', async () => {
  const missing = spec('nf1', ['no-such-command', 'arg']);
  await waitExit(missing, await start(missing));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sandboxExit(missing.dir, missing.logPath).startError, 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "no-such-command": executable file not found in $PATH: unknown');
  const path_ = spec('nf2', ['/opt/none']);
  await waitExit(path_, await start(path_));
  await new Promise((r) => setTimeout(r, 100));
  assert.match(sandboxExit(path_.dir, path_.logPath).startError ?? '', /exec: "\/opt\/none": stat \/opt\/none: no such file or directory: unknown$/);
  // A command that ran and failed is not a start error.
  const ran = spec('nf3', ['sh', '-c', 'echo bwrap: execvp x: No such file or directory >&2; exit 3']);
  assert.equal(await waitExit(ran, await start(ran)), 3);
  assert.equal(sandboxExit(ran.dir, ran.logPath).startError, undefined);
});

test('readOnlyRootFilesystem', async () => {
  const s = spec('rorf', ['sh', '-c', 'touch /x 2>&1'], { readOnlyRootFilesystem: true });
  const st = await start(s);
  assert.equal(await waitExit(s, st), 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(logText(s)[0]!.text, /Read-only file system/);
});

test('runAsUser/runAsGroup: real uid and gid, supplementary groups, no capabilities; files owned by them on the host; exec too', async () => {
  const vol = path.join(tmp, 'shared'); mkdirSync(vol); chmodSync(vol, 0o777); // as an emptyDir is
  const s = spec('user1', ['sh', '-c', [
    'echo "id $(id -u):$(id -g) groups[$(id -G)] $(grep -E "^CapEff" /proc/self/status)"',
    'echo x 2>/dev/null >/etc/forbidden && echo wrote-etc || echo no-etc',
    'echo mine > /data/file', 'echo pid=$$', 'while true; do sleep 0.05; done',
  ].join('; ')], { user: { uid: 1000, gid: 3000, groups: [2000] }, mounts: [{ source: vol, destination: '/data', readOnly: false }] });
  const st = await start(s);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(logText(s).map((l) => l.text), ['id 1000:3000 groups[3000 2000] CapEff:\t0000000000000000', 'no-etc', 'pid=2']);
  const f = statSync(path.join(vol, 'file'));
  assert.deepEqual([f.uid, f.gid], [1000, 3000]);
  // The main process is pid 2 (the credentials were dropped in its own place), so SIGTERM reaches it.
  const out = await new Promise<string>((resolve) => {
    const c = execInSandbox({ nsPid: namespacePid(s.dir)!, env: [['PATH', '/bin']], user: { uid: 1000, gid: 3000, groups: [2000] } }, ['sh', '-c', 'id -u; id -g; id -G; cat /data/file']);
    let o = ''; c.stdout!.on('data', (d) => (o += d)); c.on('close', () => resolve(o));
  });
  assert.equal(out, '1000\n3000\n3000 2000\nmine\n');
  await stopSandbox(s.dir, st, 2000);
  assert.equal(isRunning(st), false);
});

test('exec enters the running sandbox; SIGTERM reaches the main process', async () => {
  const s = spec('ex1', ['sh', '-c', 'trap "exit 42" TERM; echo ready > /tmp/r; while true; do sleep 0.05; done']);
  const st = await start(s);
  const nsPid = namespacePid(s.dir)!;
  assert.notEqual(readlinkSync(`/proc/${nsPid}/ns/pid`), readlinkSync('/proc/self/ns/pid'));
  assert.notEqual(readlinkSync(`/proc/${nsPid}/ns/uts`), readlinkSync('/proc/self/ns/uts'));
  assert.equal(readlinkSync(`/proc/${nsPid}/ns/net`), readlinkSync('/proc/self/ns/net')); // node network
  await new Promise((r) => setTimeout(r, 100));
  const out = await new Promise<string>((resolve) => {
    const c = execInSandbox({ nsPid, env: [['PATH', '/bin'], ['GREETING', 'hi']] }, ['sh', '-c', 'cat /tmp/r; hostname; echo $GREETING']);
    let o = ''; c.stdout!.on('data', (d) => (o += d)); c.on('close', () => resolve(o));
  });
  assert.equal(out, 'ready\nex1\nhi\n');
  const t0 = Date.now();
  await stopSandbox(s.dir, st, 5000);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(sandboxExit(s.dir).exitCode, 42);
});

test('a sandbox the agent launched but never recorded (it died in between) is stopped by removeSandbox', async () => {
  const s = spec('stray1', ['sh', '-c', 'while true; do sleep 0.05; done']);
  const st = await start(s);
  rmSync(path.join(s.dir, 'state.json')); // as if the agent had died before writing it
  assert.equal(isRunning(st), true);
  await removeSandbox(s.dir);
  assert.equal(isRunning(st), false);
  assert.equal(existsSync(s.dir), false);
});

test('a process ignoring SIGTERM is killed after the grace period', async () => {
  const s = spec('ig1', ['sh', '-c', 'trap "" TERM; while true; do sleep 0.05; done']);
  const st = await start(s);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await stopSandbox(s.dir, st, 300);
  const took = Date.now() - t0;
  assert.ok(took >= 290 && took < 3000, `took ${took}ms`);
  assert.equal(isRunning(st), false);
});

test('the overlay root is mounted only in the container\'s own mount namespace, and goes with it', async () => {
  const vol = path.join(tmp, 'vol1'); mkdirSync(vol); writeFileSync(path.join(vol, 'data'), 'from volume\n');
  const s = spec('priv1', ['sh', '-c', 'cat /etc/hostname /mnt/v/data; echo w > /written; while true; do sleep 0.05; done'], { mounts: [{ source: vol, destination: '/mnt/v', readOnly: false }] });
  const st = await start(s);
  await new Promise((r) => setTimeout(r, 150));
  // Nothing of the container is mounted where the agent (and every later bwrap start) sees it.
  assert.deepEqual(mountsUnder(s.dir), []);
  assert.deepEqual(logText(s).map((l) => l.text), ['priv1', 'from volume']);
  // Its writes land in the writable layer, which the agent reads without a mount.
  assert.equal(readFileSync(path.join(s.dir, 'upper/written'), 'utf8'), 'w\n');
  const nsPid = namespacePid(s.dir)!;
  assert.match(readFileSync(`/proc/${nsPid}/mounts`, 'utf8'), new RegExp(`^overlay / overlay .*upperdir=${path.join(s.dir, 'upper')}`, 'm'));
  await stopSandbox(s.dir, st, 0);
  await removeSandbox(s.dir);
  assert.equal(existsSync(s.dir), false);
});

test('a command that exits leaving background children takes them with it, as a container\'s pid 1 does', async () => {
  const s = spec('orphans', ['sh', '-c', 'sleep 4242 & echo $! > /tmp/bg; exit 0']);
  const st = await start(s);
  assert.equal(await waitExit(s, st), 0);
  assert.ok(st.childStart !== undefined, 'the reaper\'s start time is recorded');
  await removeSandbox(s.dir);
  // SIGKILL is delivered asynchronously: give the kernel a moment.
  const left = () => execSleepers().filter((a) => a === 'sleep 4242');
  for (let i = 0; i < 50 && left().length; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(left(), [], 'no process of the finished sandbox is left');
});

test('join.pid: a sandbox in another\'s PID namespace sees its processes; stopping it leaves the other running', async () => {
  const target = spec('pid-target', ['sh', '-c', 'echo target-$((40+2)) > /tmp/mark; exec sleep 4243']);
  const tst = await start(target);
  await new Promise((r) => setTimeout(r, 200));
  const pid1 = namespacePid(target.dir)!;
  const s = spec('pid-joiner', ['sh', '-c', 'ps -o args | grep -c "^sleep 4243"; cat /proc/2/root/tmp/mark; sleep 4244 & exec sleep 4245'], { join: { pid: `/proc/${pid1}/ns/pid` } });
  const st = await start(s);
  assert.equal(st.sharedPid, true);
  for (let i = 0; i < 100 && logText(s).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logText(s).map((l) => l.text), ['1', 'target-42']);
  await stopSandbox(s.dir, st, 200);
  assert.equal(isRunning(st), false);
  assert.equal(isRunning(tst), true, 'the target runs on');
  // SIGKILL is delivered asynchronously: give the kernel a moment.
  const stray = () => execSleepers().filter((a) => /sleep 424[45]/.test(a));
  for (let i = 0; i < 50 && stray().length; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(stray(), [], 'the joiner\'s own processes are gone');
});

function execSleepers(): string[] {
  const out: string[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try { const a = readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); if (/^sleep 424[2-5]$/.test(a)) out.push(a); } catch { /* gone */ }
  }
  return out;
}

test('the leftover sweep of a shared-PID sandbox never reaches a namespace reused by another sandbox', async () => {
  const target = spec('reuse-target', ['sleep', '4246']);
  const tst = await start(target);
  await new Promise((r) => setTimeout(r, 200));
  const joiner = spec('reuse-joiner', ['true'], { join: { pid: `/proc/${namespacePid(target.dir)!}/ns/pid` } });
  const jst = await start(joiner);
  await waitExit(joiner, jst);
  // A sandbox started after the joiner ended: the kernel hands out the lowest free namespace number, so it
  // would get the joiner's mount namespace number if that namespace had been freed.
  const other = spec('reuse-other', ['sleep', '4247']);
  const ost = await start(other);
  await removeSandbox(joiner.dir); // sweeps the joiner's leftovers
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(isRunning(ost), true, 'the other sandbox survives the sweep');
  assert.equal(isRunning(tst), true, 'the target survives the sweep');
});
