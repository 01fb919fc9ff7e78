// fsGroup: the kubelet hands a volume to the pod's fsGroup. Every file and directory gets the group
// (lchown, symlinks themselves, never what they point to), group read (and write unless the volume is
// read-only), directories also group execute and setgid so that new files inherit the group. Plugins that
// support it call this after their own set-up: emptyDir, gitRepo, configMap/secret/downwardAPI/projected
// (read-only), local volumes (not when mounted read-only); hostPath never does, as upstream.
// fsGroupChangePolicy OnRootMismatch skips the walk when the volume's root already looks right.
// Upstream: pkg/volume/volume_linux.go (SetVolumeOwnership, changeFilePermission, skipPermissionChange)
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Pod } from '../pods/types.js';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/** The pod's fsGroup and fsGroupChangePolicy (pod-level only, as upstream's PodSecurityContext). */
export function podFsGroup(pod: Pod): { fsGroup?: number; policy?: string } {
  const sc = pod.spec?.securityContext as { fsGroup?: number; fsGroupChangePolicy?: string } | undefined;
  return { fsGroup: sc?.fsGroup, policy: sc?.fsGroupChangePolicy };
}

function wantedMode(st: Stats, readOnly: boolean): number {
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (st.isDirectory()) mask |= SETGID | EXEC_MASK;
  return (st.mode & 0o7777) | mask;
}

/** Upstream requiresPermissionChange: the root's group, its group permissions and (directory) its setgid bit. */
async function rootNeedsChange(dir: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  const st = await fsp.stat(dir);
  return st.gid !== fsGroup || (st.mode & 0o7777) !== wantedMode(st, readOnly);
}

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = fsConstants;

/**
 * Gives everything under dir (dir included) to fsGroup; nothing when there is none. Only local volumes pass
 * the pod's fsGroupChangePolicy: upstream's emptyDir, gitRepo and projected volumes always walk.
 *
 * A pod may be writing into the volume while it is walked (a local volume another pod uses, an agent restart
 * beside running containers), so nothing is done through a path a symlink could be swapped into: each file
 * or directory is opened with O_NOFOLLOW, checked to be the inode lstat saw, and changed through its
 * descriptor; a directory's entries are reached through its descriptor (/proc/self/fd/N/name), never by
 * path again. Symlinks get the group only (lchown); devices, FIFOs and sockets too (opening one can block or
 * act). Upstream walks by path (filepath.Walk, os.Chmod), which a swapped-in symlink would lead outside.
 */
export async function setVolumeOwnership(dir: string, fsGroup: number | undefined, readOnly: boolean, policy?: string): Promise<void> {
  if (fsGroup === undefined) return;
  if (policy === 'OnRootMismatch' && !(await rootNeedsChange(dir, fsGroup, readOnly))) return;
  const walk = async (p: string, st: Stats): Promise<void> => {
    if (!st.isFile() && !st.isDirectory()) {
      if (st.gid !== fsGroup) await fsp.lchown(p, -1, fsGroup);
      return;
    }
    let fh: FileHandle;
    try { fh = await fsp.open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | (st.isDirectory() ? O_DIRECTORY : 0)); }
    catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ELOOP') return; throw e; } // gone, or now a symlink
    try {
      const now = await fh.stat();
      if (now.ino !== st.ino || now.dev !== st.dev) return; // replaced since it was listed: not ours to change
      if (now.gid !== fsGroup) await fh.chown(-1, fsGroup);
      const mode = wantedMode(now, readOnly);
      if (mode !== (now.mode & 0o7777)) await fh.chmod(mode);
      if (!now.isDirectory()) return;
      const self = `/proc/self/fd/${fh.fd}`;
      for (const name of await fsp.readdir(self)) {
        const child = `${self}/${name}`;
        let cst: Stats;
        try { cst = await fsp.lstat(child); } catch { continue; } // removed meanwhile
        await walk(child, cst);
      }
    } finally {
      await fh.close();
    }
  };
  await walk(dir, await fsp.lstat(dir));
}
