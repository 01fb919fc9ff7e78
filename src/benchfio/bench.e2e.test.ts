// `stowage bench fio` against a real cluster: `bin/stowage up` in a temp dir (or the cluster of
// $STOWAGE_TEST_KUBECONFIG), driven as a user drives it, checked with the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildFioImage } from '../agent/images/fio-image.js';
import { cliEntryArgv, repoRoot } from './testing/paths.js';
import { mountsUnder, unmountIfMounted } from '../agent/runtime/mount.js';

const REPO = repoRoot();
const QUICK = `[global]\nioengine=libaio\ndirect=1\ngtod_reduce=1\nverify=0\n[read_iops]\nbs=4K\niodepth=16\nsize=32M\nreadwrite=randread\ntime_based\nruntime=RUNTIME\n`;

let dir = '';
let kubeconfig = process.env.STOWAGE_TEST_KUBECONFIG ?? '';
let up: ChildProcess | undefined;
let skip: string | false = false;

const freePort = () => new Promise<number>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowage-benchfio-e2e-'));
  if (kubeconfig) return;
  if (!existsSync(path.join(REPO, 'dist/src/cli/main.js'))) { skip = 'dist is not built (npm run build)'; return; }
  // The fio image is built into the data dir first, so this works whether or not `up` builds it yet.
  await buildFioImage(path.join(dir, 'images'));
  kubeconfig = path.join(dir, 'kubeconfig');
  up = spawn(process.execPath, [path.join(REPO, 'bin/stowage'), 'up', '--data-dir', dir, '--port', String(await freePort()), '--nodes', 'w1'], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!existsSync(kubeconfig)) {
    if (up.exitCode !== null || Date.now() > deadline) { skip = '`bin/stowage up` did not write a kubeconfig within 30 s'; up.kill('SIGKILL'); up = undefined; return; }
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (up) { up.kill('SIGTERM'); await new Promise((r) => up!.once('exit', r)); }
  // A local-path helper pod still starting when `up` stops can keep its overlay mounted.
  for (const mp of mountsUnder(dir)) await unmountIfMounted(mp);
  rmSync(dir, { recursive: true, force: true });
});

function jobFile(runtime: string): string {
  const f = path.join(dir, `quick-${runtime}.fio`);
  writeFileSync(f, QUICK.replace('RUNTIME', runtime));
  return f;
}

function bench(args: string[]): ChildProcess & { out: () => string; err: () => string; code: Promise<number> } {
  const child = spawn(process.execPath, [...cliEntryArgv(), 'bench', 'fio', '--kubeconfig', kubeconfig, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const code = new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  return Object.assign(child, { out: () => out, err: () => err, code });
}

/** Everything bench fio makes, as kubectl sees it. */
function leftovers(): string {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pvc,pod,configmap', '-A', '--no-headers', '-o', 'name'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => /kubestr-fio/.test(l)).join('\n');
}

test('seed 004: bench fio -s local-path -z 1Gi -f FILE prints kubestr\'s results and leaves nothing behind', { timeout: 120_000 }, async (t) => {
  if (skip) { t.skip(skip); return; }
  const b = bench(['-s', 'local-path', '-z', '1Gi', '-f', jobFile('2s')]);
  assert.equal(await b.code, 0, b.err());
  const out = b.out();
  assert.match(out, /^PVC created kubestr-fio-pvc-[a-z0-9]{5}\nPod created kubestr-fio-pod-[a-z0-9]{5}\nRunning FIO test \(quick-2s\.fio\) on StorageClass \(local-path\) with a PVC of Size \(1Gi\)\nElapsed time- [\d.]+s\nFIO test results:\n {2}\nFIO version - fio-/);
  assert.match(out, /^ {2}IOPS=\d+\.\d{6} BW\(KiB\/s\)=\d+$/m);
  assert.match(out, /^ {2}-  OK$/m);
  assert.equal(leftovers(), '');
});

test('SIGINT while fio runs: exit 130, pod, PVC and ConfigMap deleted', { timeout: 120_000 }, async (t) => {
  if (skip) { t.skip(skip); return; }
  const b = bench(['-s', 'local-path', '-z', '1Gi', '-f', jobFile('60s')]);
  const deadline = Date.now() + 60_000;
  while (!b.out().includes('Running FIO test') && Date.now() < deadline && b.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  assert.match(b.out(), /Running FIO test/, b.err());
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = Date.now();
  b.kill('SIGINT');
  assert.equal(await b.code, 130, `stderr:\n${b.err()}\nstdout:\n${b.out()}`);
  assert.ok(Date.now() - t0 < 30_000);
  assert.match(b.err(), /Interrupted: the benchmark pod, PVC and ConfigMap were deleted\./);
  assert.doesNotMatch(b.out(), /FIO test results/);
  assert.equal(leftovers(), '');
});

test('a class nobody provisions fails within seconds with the reason, and cleans up', { timeout: 60_000 }, async (t) => {
  if (skip) { t.skip(skip); return; }
  const sc = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { encoding: 'utf8', input: 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: e2e-unprovisioned}\nprovisioner: example.com/nobody\nvolumeBindingMode: Immediate\n' });
  assert.equal(sc.status, 0, sc.stderr);
  const t0 = Date.now();
  const b = bench(['-s', 'e2e-unprovisioned', '-z', '1Gi', '-f', jobFile('2s')]);
  assert.equal(await b.code, 1);
  assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
  assert.match(b.out(), /^FIO test results:\n {2}Failed to create POD: pod kubestr-fio-pod-[a-z0-9]{5} cannot start after \d+s: ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'example\.com\/nobody' or manually by the system administrator\. .* {2}-  Error\n$/m);
  assert.equal(leftovers(), '');
  const missing = bench(['-s', 'no-such-class', '-f', jobFile('2s')]);
  assert.equal(await missing.code, 1);
  assert.equal(missing.out(), 'FIO test results:\n  Cannot find StorageClass: storageclasses.storage.k8s.io "no-such-class" not found  -  Error\n');
});

test('--compare local-path,<a host-path class> prints the comparison table and writes a chart with one bar group per class', { timeout: 180_000 }, async (t) => {
  if (skip) { t.skip(skip); return; }
  const sc = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { encoding: 'utf8', input: 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: e2e-hostpath}\nprovisioner: kubernetes.io/host-path\nreclaimPolicy: Delete\nvolumeBindingMode: Immediate\n' });
  assert.equal(sc.status, 0, sc.stderr);
  const chart = path.join(dir, 'compare.svg');
  const b = bench(['--compare', 'local-path,e2e-hostpath', '-z', '1Gi', '-f', jobFile('2s'), '--chart', chart]);
  assert.equal(await b.code, 0, b.err());
  const out = b.out();
  assert.match(out, /Running FIO test \(quick-2s\.fio\) on StorageClass \(local-path\)/);
  assert.match(out, /Running FIO test \(quick-2s\.fio\) on StorageClass \(e2e-hostpath\)/);
  const table = out.slice(out.indexOf('Comparison'));
  assert.match(table, /local-path/);
  assert.match(table, /e2e-hostpath/);
  assert.match(table, /^\| read_iops \(avg\) IOPS \| +[\d.]+ \| +[\d.]+ \|$/m);
  assert.match(out, new RegExp(`Chart written to ${chart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const svg = readFileSync(chart, 'utf8');
  assert.match(svg, /^<svg[\s>]/);
  assert.deepEqual([...svg.matchAll(/<g class="bar-group" data-storage-class="([^"]+)">/g)].map((m) => m[1]), ['local-path', 'e2e-hostpath']);
  assert.equal(leftovers(), '');
});
