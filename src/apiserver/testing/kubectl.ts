// Runs the real kubectl against a server started by a test (asynchronously: the server runs in the same
// process, so a synchronous exec would deadlock it).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult { code: number; stdout: string; stderr: string }

export class Kubectl {
  readonly dir = mkdtempSync(join(tmpdir(), 'stowage-kubectl-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  constructor(kubeconfigYaml: string, private readonly bin = '/usr/bin/kubectl') {
    writeFileSync(this.kubeconfig, kubeconfigYaml);
  }
  /** A fresh --cache-dir per binary so discovery never comes from a stale cache. */
  run(args: string[], opts: { input?: string; bin?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<KubectlResult> {
    const bin = opts.bin ?? this.bin;
    const cache = join(this.dir, `cache-${bin.replace(/\W/g, '_')}`);
    return new Promise((resolve) => {
      const child = execFile(bin, ['--kubeconfig', this.kubeconfig, '--cache-dir', cache, ...args],
        { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, HOME: this.dir, ...opts.env }, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  }
  /** Starts a long-running kubectl (get -w, wait) and collects its output. */
  spawn(args: string[]): { result: Promise<KubectlResult>; output: () => string; kill: () => void } {
    let out = '';
    const cache = join(this.dir, `cache-${this.bin.replace(/\W/g, '_')}`);
    let kill = () => {};
    const result = new Promise<KubectlResult>((resolve) => {
      const child = execFile(this.bin, ['--kubeconfig', this.kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000, env: { ...process.env, HOME: this.dir } },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      kill = () => child.kill('SIGTERM');
    });
    return { result, output: () => out, kill };
  }
}
