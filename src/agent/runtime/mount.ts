// Thin wrappers over mount(8)/umount(8): overlay root filesystems, tmpfs emptyDirs, subPath binds.
// Whether one path is a mount point is answered from the mount ids of the path and its parent (a few µs),
// not from the mount table: /proc/self/mounts grew by three lines per running pod (before overlay roots and
// namespace pins left the agent's mount namespace), and reading it for every container start and stop was
// a fifth of the agent's CPU with a few hundred pods; volumes' own mounts still add to it.
import { closeSync, constants as fsc, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './spawner.js';

const run = runCommand;
/** Linux O_PATH (not in fs.constants): a handle to the path itself, no read permission needed. */
const O_PATH = 0o10000000;

export async function mount(args: string[]): Promise<void> {
  try { await run('mount', args); } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error((err.stderr || err.message).trim());
  }
}

/** Unmounts p if it is a mount point (lazily, so a busy mount never blocks teardown). */
export async function unmountIfMounted(p: string): Promise<void> {
  await unmountAll([p]);
}

/**
 * Unmounts every path of ps that is a mount point, with one umount(8) per round (stacked mounts take one
 * round each), lazily. Paths deeper in the tree should come first when one contains another.
 */
export async function unmountAll(ps: string[]): Promise<void> {
  let left = ps.filter(isMountPoint);
  while (left.length) {
    try { await run('umount', ['-l', ...left]); }
    catch {
      // One failure fails the whole call: try them one by one, keeping the ones that still fail out.
      const failed = new Set<string>();
      for (const p of left) await run('umount', ['-l', p]).catch(() => failed.add(p));
      left = left.filter((p) => !failed.has(p));
    }
    left = left.filter(isMountPoint);
  }
}

/** Mount points at or below dir, deepest first (from the mount table: use where completeness matters). */
export function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  const table = readFileSync('/proc/self/mounts', 'utf8');
  // Most callers find nothing: skip splitting thousands of lines when dir does not occur at all. Spaces
  // in mount points are written \040, so search for the escaped form.
  const needle = ' ' + dir.replace(/ /g, '\\040');
  if (!table.includes(needle)) return out;
  for (const line of table.split('\n')) {
    if (!line.includes(needle)) continue;
    const mp = line.split(' ')[1];
    if (!mp) continue;
    const p = mp.replace(/\\040/g, ' ');
    if (p === dir || p.startsWith(dir + '/')) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

let nextRead: Promise<string[]> | undefined;
/**
 * The mount points of the table as read after this call, one read shared by every caller in the same turn
 * of the event loop: pods torn down together (a provisioner's helper pods, an agent stopping) read the
 * table once instead of once each. A read that started before the call is not shared, so mounts made
 * before it are always seen.
 */
function mountTableSoon(): Promise<string[]> {
  nextRead ??= new Promise((resolve, reject) => setImmediate(() => {
    nextRead = undefined;
    try {
      resolve(readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m): m is string => !!m).map((m) => m.replace(/\\040/g, ' ')));
    } catch (e) { reject(e); }
  }));
  return nextRead;
}

/** mountsUnder from a shared read of the mount table (see mountTableSoon). */
export async function mountsUnderShared(dir: string): Promise<string[]> {
  const all = await mountTableSoon();
  return all.filter((p) => p === dir || p.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
}

/**
 * The id of the mount p is on, from /proc/self/fdinfo; undefined if p is missing. follow=false looks at
 * p itself when it is a symbolic link (a mount point is never followed through by umount either).
 */
function mountIdOf(p: string, follow: boolean): string | undefined {
  let fd: number;
  try { fd = openSync(p, O_PATH | (follow ? 0 : fsc.O_NOFOLLOW)); } catch { return undefined; }
  try { return /^mnt_id:\s*(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1]; }
  catch { return undefined; }
  finally { closeSync(fd); }
}

/**
 * Whether p is a mount point: it sits on another mount than its parent directory. Exact for bind mounts
 * of the same filesystem too (each mount has its own id), unlike comparing st_dev.
 */
export function isMountPoint(p: string): boolean {
  const abs = path.resolve(p);
  if (abs === '/') return true;
  const own = mountIdOf(abs, false);
  if (own === undefined) return false;
  // The parent is resolved as the kernel resolves p's directory part: through symbolic links.
  const parent = mountIdOf(path.dirname(abs), true);
  return parent !== undefined && parent !== own;
}

export function mountInfo(p: string): { fstype: string; options: string } | undefined {
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[1] === p) return { fstype: f[2]!, options: f[3]! };
  }
  return undefined;
}
