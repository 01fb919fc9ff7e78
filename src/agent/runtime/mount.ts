// Thin wrappers over mount(8)/umount(8): overlay root filesystems, tmpfs emptyDirs, subPath binds.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function mount(args: string[]): Promise<void> {
  try { await run('mount', args); } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error((err.stderr || err.message).trim());
  }
}

/** Unmounts p if it is a mount point (lazily, so a busy mount never blocks teardown). */
export async function unmountIfMounted(p: string): Promise<void> {
  while (isMountPoint(p)) {
    try { await run('umount', ['-l', p]); } catch { return; }
  }
}

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const mp = line.split(' ')[1];
    if (!mp) continue;
    const p = mp.replace(/\\040/g, ' ');
    if (p === dir || p.startsWith(dir + '/')) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

export function isMountPoint(p: string): boolean {
  return mountsUnder(p).includes(p);
}

export function mountInfo(p: string): { fstype: string; options: string } | undefined {
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[1] === p) return { fstype: f[2]!, options: f[3]! };
  }
  return undefined;
}
