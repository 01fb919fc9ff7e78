// Starts `bin/stowage up` as a child process for the benchmarks that need a whole cluster, the way a user
// does (the acceptance scenarios do the same), and stops it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountsUnder, unmountIfMounted } from '../src/agent/runtime/mount.js';

/** The repository root (this file is bench/cluster.ts or dist/bench/cluster.js). */
export const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(import.meta.url).includes('/dist/bench/') ? '../..' : '..');
export const STOWAGE = join(REPO, 'bin', 'stowage');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

export interface UpCluster { dir: string; kubeconfig: string; proc: ChildProcess; readyMs: number; stop(): Promise<number>; remove(): Promise<void> }

/** Why a whole cluster cannot be started here, or undefined. */
export function clusterUnavailable(): string | undefined {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) return 'dist/src/cli/main.js is missing: run `npm run build` (or `npm run setup`)';
  return undefined;
}

/** `stowage up --nodes <nodes>` in a fresh data dir; resolves once DIR/kubeconfig exists. */
export async function startUp(nodes: string[], o: { timeoutMs?: number; controlPlane?: string; before?: (dir: string) => Promise<void> } = {}): Promise<UpCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-bench-up-'));
  if (o.before) await o.before(dir);
  const port = await freePort();
  const kubeconfig = join(dir, 'kubeconfig');
  const t0 = performance.now();
  const proc = spawn(process.execPath, [STOWAGE, 'up', '--data-dir', dir, '--port', String(port), '--nodes', nodes.join(','), ...(o.controlPlane ? ['--control-plane', o.controlPlane] : [])], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (c: Buffer) => { log += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
  let exited = false;
  const exit = new Promise<number>((r) => proc.on('exit', (code, sig) => { exited = true; r(code ?? (sig ? 128 : 1)); }));
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (!existsSync(kubeconfig)) {
    if (exited || Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exit;
      const tail = log.trim().split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-3).join(' | ');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`\`stowage up\` ${exited ? 'exited' : 'did not write a kubeconfig within ' + (o.timeoutMs ?? 30_000) / 1000 + ' s'}: ${tail.slice(0, 300)}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  return {
    dir, kubeconfig, proc, readyMs,
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(killer);
      return code;
    },
    async remove() {
      // `up` unmounts its pods on SIGTERM; a pod still starting then (a local-path helper pod deleting a
      // volume) can keep its overlay mounted, and rm must not walk into a mount.
      const left = mountsUnder(dir);
      if (left.length) process.stderr.write(`bench: ${left.length} mount(s) left under ${dir} after \`up\` stopped; unmounting\n`);
      for (const mp of left) await unmountIfMounted(mp);
      try { rmSync(dir, { recursive: true, force: true }); } catch (e) { process.stderr.write(`bench: could not remove ${dir}: ${(e as Error).message}\n`); }
    },
  };
}

/** Resident memory of a process and all its descendants, in KiB, from /proc/<pid>/status VmRSS. */
export function treeRssKiB(pid: number): number {
  const children = new Map<number, number[]>();
  for (const e of readdirSafe('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? []; list.push(Number(e)); children.set(ppid, list);
    } catch { /* exited */ }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try { total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0); } catch { /* exited */ }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

function readdirSafe(p: string): string[] {
  try { return readdirSync(p); } catch { return []; }
}
