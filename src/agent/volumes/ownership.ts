// fsGroup: the kubelet hands a volume to the pod's fsGroup. Every file and directory gets the group
// (lchown, symlinks themselves, never what they point to), group read (and write unless the volume is
// read-only), directories also group execute and setgid so that new files inherit the group. Plugins that
// support it call this after their own set-up: emptyDir, gitRepo, configMap/secret/downwardAPI/projected
// (read-only), local volumes (not when mounted read-only); hostPath never does, as upstream.
// fsGroupChangePolicy OnRootMismatch skips the walk when the volume's root already looks right.
// Upstream: pkg/volume/volume_linux.go (SetVolumeOwnership, changeFilePermission, skipPermissionChange)
import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
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

async function changeOne(p: string, st: Stats, fsGroup: number, readOnly: boolean): Promise<void> {
  if (st.gid !== fsGroup) await fsp.lchown(p, -1, fsGroup);
  // A symlink's mode means nothing, and chmod would change its target: skipped, as upstream.
  if (st.isSymbolicLink()) return;
  const mode = wantedMode(st, readOnly);
  if (mode !== (st.mode & 0o7777)) await fsp.chmod(p, mode);
}

/**
 * Gives everything under dir (dir included) to fsGroup; nothing when there is none. Only local volumes pass
 * the pod's fsGroupChangePolicy: upstream's emptyDir, gitRepo and projected volumes always walk.
 */
export async function setVolumeOwnership(dir: string, fsGroup: number | undefined, readOnly: boolean, policy?: string): Promise<void> {
  if (fsGroup === undefined) return;
  if (policy === 'OnRootMismatch' && !(await rootNeedsChange(dir, fsGroup, readOnly))) return;
  // lstat all the way down: a symlink is changed itself and never followed (upstream walks with Lstat too).
  const walk = async (p: string, st: Stats): Promise<void> => {
    await changeOne(p, st, fsGroup, readOnly);
    if (!st.isDirectory()) return;
    for (const name of await fsp.readdir(p)) {
      const child = path.join(p, name);
      await walk(child, await fsp.lstat(child));
    }
  };
  await walk(dir, await fsp.lstat(dir));
}
