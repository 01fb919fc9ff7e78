// The host baseline: the same job file run by the host's fio, outside any pod, in a temporary directory
// under the node's root (DATA/nodes/NODE), i.e. on the same filesystem as the node's local-path volumes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isLoopbackServer, type ClusterAccess } from './kubeconfig.js';
import { parseFioOutput, type FioResult } from './result.js';

export const HOST_FIO = '/usr/bin/fio';

/** Where the node's root is on this machine, or why the host baseline cannot run. */
export function locateNodeRoot(access: ClusterAccess, node: string, dataDir?: string): { root: string } | { skip: string } {
  if (!isLoopbackServer(access.server)) return { skip: `the API server ${access.server} is not on this machine, so node ${node}'s disk is not reachable from here` };
  if (!existsSync(HOST_FIO)) return { skip: `${HOST_FIO} not found on this machine` };
  const data = dataDir ?? path.dirname(access.file);
  const root = path.join(data, 'nodes', node);
  if (!existsSync(root)) return { skip: `node root ${root} not found (pass --data-dir: the directory given to \`stowage up --data-dir\`)` };
  return { root };
}

/** Runs fio on the host with the job file in a fresh directory under root; the directory is removed after. */
export async function runHostFio(root: string, jobName: string, jobText: string, signal?: AbortSignal): Promise<FioResult> {
  const dir = await mkdtemp(path.join(root, '.kubestr-host-fio-'));
  try {
    const jobFile = path.join(dir, jobName.replace(/[^A-Za-z0-9_.-]/g, '_') + '.job');
    await writeFile(jobFile, jobText);
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve, reject) => {
      // cwd: what fio writes relative to it (a prerun's output, logs) stays in the temporary directory too.
      const child = spawn(HOST_FIO, ['--directory', dir, jobFile, '--output-format=json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = []; const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      const onAbort = () => child.kill('SIGKILL');
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', reject);
      child.on('close', (c) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(signal.reason); else resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: c ?? 1 });
      });
    });
    if (code !== 0) throw new Error(`host fio exited with code ${code}: ${stderr.trim()}`);
    return parseFioOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
