// Starts and stops the real `bin/stowage up` process for end-to-end tests (the same binary a user runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpClient } from '../../src/client/http.js';

/** The project root: the nearest folder above this file with bin/stowage (works from src and from dist). */
export const ROOT = (() => {
  let dir = resolve(new URL('.', import.meta.url).pathname);
  while (!existsSync(join(dir, 'bin', 'stowage')) && dir !== '/') dir = resolve(dir, '..');
  return dir;
})();

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
  });
}

export class UpProcess {
  child?: ChildProcess;
  output = '';
  constructor(readonly dataDir: string, readonly port: number, readonly args: string[]) {}

  get kubeconfig(): string { return join(this.dataDir, 'kubeconfig'); }

  /** Starts `bin/stowage up` and resolves once it has written the kubeconfig (every node Ready). */
  async start(timeoutMs = 30_000): Promise<void> {
    rmSync(this.kubeconfig, { force: true });
    this.output = '';
    this.child = spawn(join(ROOT, 'bin/stowage'), ['up', '--data-dir', this.dataDir, '--port', String(this.port), ...this.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    const end = Date.now() + timeoutMs;
    while (!existsSync(this.kubeconfig)) {
      if (this.child.exitCode !== null) throw new Error(`stowage up exited early:\n${this.output}`);
      if (Date.now() > end) throw new Error(`stowage up not ready after ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  client(): HttpClient { return HttpClient.fromKubeconfig(this.kubeconfig); }

  /** Stops it with a signal and waits for the exit; returns the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    c.kill(signal);
    return exited;
  }
}

export async function startCluster(args: string[]): Promise<{ up: UpProcess; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stowage-e2e-'));
  const up = new UpProcess(dataDir, await freePort(), args);
  await up.start();
  return { up, cleanup: async () => { await up.stop(); rmSync(dataDir, { recursive: true, force: true }); } };
}
