// The volume manager for one pod: finds the plugin for each volume, sets them all up (reporting the
// upstream FailedMount text), and tears the pod's volume directories down when the pod is gone.
// Upstream: pkg/kubelet/volumemanager, pkg/volume/util/operationexecutor (GenerateError)
import { promises as fsp } from 'node:fs';
import { emptyDirPlugin } from './emptydir.js';
import { hostPathPlugin } from './hostpath.js';
import { pvcPlugin } from './pvc.js';
import { configMapPlugin, secretPlugin, downwardAPIPlugin, projectedPlugin } from './projection.js';
import { gitRepoPlugin } from './gitrepo.js';
import { mountsUnderShared, unmountAll } from '../runtime/mount.js';
import { VolumeError, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.js';
import type { Volume } from '../pods/types.js';

export const plugins: VolumePlugin[] = [emptyDirPlugin, hostPathPlugin, pvcPlugin, configMapPlugin, secretPlugin, downwardAPIPlugin, projectedPlugin, gitRepoPlugin];

export function pluginFor(v: Volume): VolumePlugin | undefined { return plugins.find((p) => p.canSupport(v)); }

/** A failed mount as the kubelet reports it in a FailedMount event. */
export class MountFailure extends Error {
  constructor(message: string, readonly retry: boolean) { super(message); }
}

/** Upstream: operationexecutor GenerateError: "MountVolume.SetUp failed for volume "v" : err" (space before the colon). */
export function mountFailureMessage(v: Volume, e: unknown): MountFailure {
  const ve = e instanceof VolumeError ? e : new VolumeError((e as Error)?.message ?? String(e), true);
  return new MountFailure(`MountVolume.${ve.stage === 'NewMounter' ? 'NewMounter initialization' : 'SetUp'} failed for volume "${ve.volumeName ?? v.name}" : ${ve.message}`, ve.retry);
}

/** Sets up every volume of the pod; the first failure is thrown as a MountFailure. */
export async function setUpPodVolumes(ctx: VolumeContext, only?: (m: MountedVolume) => boolean, previous?: Map<string, MountedVolume>): Promise<Map<string, MountedVolume>> {
  const out = new Map<string, MountedVolume>();
  for (const v of ctx.pod.spec?.volumes ?? []) {
    const prev = previous?.get(v.name);
    if (prev && only && !only(prev)) { out.set(v.name, prev); continue; }
    const p = pluginFor(v);
    if (!p) throw new MountFailure(`MountVolume.NewMounter initialization failed for volume "${v.name}" : no volume plugin matched`, false);
    try { out.set(v.name, await p.setUp(ctx, v)); }
    catch (e) { throw mountFailureMessage(v, e); }
  }
  return out;
}

/** Unmounts everything under the pod's directory (subPaths, tmpfs, overlays) and removes it. */
export async function tearDownPod(podDir: string): Promise<void> {
  // One read of the mount table and one umount(8) for all that is left (subPath binds included): rm must
  // never walk into a mount.
  await unmountAll(await mountsUnderShared(podDir));
  await fsp.rm(podDir, { recursive: true, force: true });
}
