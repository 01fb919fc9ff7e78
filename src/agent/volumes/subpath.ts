// subPath mounts made without following symlinks out of the volume. Every component below the volume
// root is checked with lstat (a symlink is refused, a missing directory created), then the final path
// is opened with O_PATH|O_NOFOLLOW and the open descriptor — not the path — is bind-mounted, after
// checking where the descriptor really points. A symlink swapped in between the check and the mount
// cannot redirect it (CVE-2017-1002101, CVE-2021-25741).
// Upstream: pkg/volume/util/subpath/subpath_linux.go (safeOpenSubPath, doSafeMakeDir, doBindSubPath)
import { promises as fsp, existsSync, lstatSync, fstatSync, openSync, closeSync, readlinkSync, constants as fsc } from 'node:fs';
import path from 'node:path';
import { mount, unmountIfMounted, mountsUnder } from '../runtime/mount.js';
import { within } from './safepath.js';

const O_PATH = 0o10000000;

export class SubPathError extends Error {}

/**
 * Bind-mounts <volumePath>/<subPath> at <podDir>/volume-subpaths/<volume>/<container>/<index> and returns
 * that path. Throws SubPathError with the upstream reason.
 */
export async function prepareSubPath(o: { volumePath: string; subPath: string; podDir: string; volumeName: string; containerName: string; index: number }): Promise<string> {
  const base = path.resolve(o.volumePath);
  const rel = path.normalize(o.subPath);
  if (path.isAbsolute(o.subPath) || rel === '..' || rel.startsWith('../')) {
    throw new SubPathError(`subpath "${path.join(base, o.subPath)}" not within volume path "${base}"`);
  }
  // Walk component by component: never through a symlink; create missing directories (SafeMakeDir).
  let cur = base;
  const parts = rel.split('/').filter((c) => c && c !== '.');
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i]!);
    let st;
    try { st = lstatSync(cur); } catch {
      await fsp.mkdir(cur, { mode: 0o755 });
      st = lstatSync(cur);
    }
    if (st.isSymbolicLink()) throw new SubPathError(`open ${cur}: too many levels of symbolic links`);
    if (i < parts.length - 1 && !st.isDirectory()) throw new SubPathError(`path ${cur} is not a directory`);
  }
  const fd = openSync(cur, O_PATH | fsc.O_NOFOLLOW);
  try {
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    if (!within(base, real)) throw new SubPathError(`subpath "${real}" not within volume path "${base}"`);
    const target = path.join(o.podDir, 'volume-subpaths', o.volumeName, o.containerName, String(o.index));
    await unmountIfMounted(target);
    if (fstatSync(fd).isDirectory()) await fsp.mkdir(target, { recursive: true });
    else { await fsp.mkdir(path.dirname(target), { recursive: true }); await fsp.writeFile(target, ''); }
    await mount(['--bind', `/proc/${process.pid}/fd/${fd}`, target]);
    return target;
  } finally { closeSync(fd); }
}

/** Unmounts every subPath bind of a container (or of the whole pod). */
export async function cleanSubPaths(podDir: string, containerName?: string): Promise<void> {
  const root = path.join(podDir, 'volume-subpaths');
  if (!existsSync(root)) return; // most pods have no subPath: no need to read the mount table
  for (const mp of mountsUnder(root)) {
    if (!containerName || mp.split('/').slice(-2, -1)[0] === containerName) await unmountIfMounted(mp);
  }
}
