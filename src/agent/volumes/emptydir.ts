// emptyDir: a directory (mode 0777) under the pod, or with medium Memory a real tmpfs sized by
// sizeLimit (else the pod's memory limit, else node memory). Lives as long as the pod on this node.
// Upstream: pkg/volume/emptydir/empty_dir.go (SetUpAt, setupTmpfs), SizeMemoryBackedVolumes
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { isMountPoint, mount, unmountIfMounted } from '../runtime/mount.js';
import { parseQuantity } from '../quantity.js';
import { setVolumeOwnership, podFsGroup } from './ownership.js';
import { VolumeError, pluginDir, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.js';
import type { Volume } from '../pods/types.js';

export const EMPTY_DIR = 'kubernetes.io/empty-dir';

/** tmpfs size: min(sizeLimit, sum of container memory limits when every container has one, node memory). */
export function memoryVolumeSize(ctx: VolumeContext, v: Volume): number {
  let size = os.totalmem();
  const limits = (ctx.pod.spec?.containers ?? []).map((c) => parseQuantity(c.resources?.limits?.memory as string | undefined));
  if (limits.length && limits.every((l) => l !== undefined)) size = Math.min(size, limits.reduce((a, b) => a! + b!, 0)!);
  const sl = parseQuantity(v.emptyDir?.sizeLimit as string | undefined);
  if (sl !== undefined && sl > 0) size = Math.min(size, sl);
  return Math.floor(size);
}

export async function setUpEmptyDir(ctx: VolumeContext, v: Volume, plugin = EMPTY_DIR): Promise<string> {
  const dir = pluginDir(ctx, plugin, v.name);
  const medium = v.emptyDir?.medium ?? '';
  if (medium !== '' && medium !== 'Memory' && !/^HugePages/.test(medium)) throw new VolumeError(`unknown storage medium "${medium}"`, false);
  await fsp.mkdir(dir, { recursive: true });
  if (medium === 'Memory' && !isMountPoint(dir)) {
    try { await mount(['-t', 'tmpfs', '-o', `size=${memoryVolumeSize(ctx, v)},mode=0777`, 'tmpfs', dir]); }
    catch (e) { throw new VolumeError(`mount failed: ${(e as Error).message}`, true); }
  } else await fsp.chmod(dir, 0o777);
  return dir;
}

export const emptyDirPlugin: VolumePlugin = {
  name: EMPTY_DIR,
  canSupport: (v) => !!v.emptyDir,
  async setUp(ctx, v): Promise<MountedVolume> {
    const dir = await setUpEmptyDir(ctx, v);
    await setVolumeOwnership(dir, podFsGroup(ctx.pod).fsGroup, false);
    return { path: dir, plugin: EMPTY_DIR, eventName: v.name };
  },
  async tearDown(ctx, v) {
    const dir = pluginDir(ctx, EMPTY_DIR, v.name);
    await unmountIfMounted(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  },
};
