// Storage object in-use protection: the finalizers that keep a claim while a pod uses it and a volume while
// it is Bound. Upstream: pkg/controller/volume/pvcprotection/pvc_protection_controller.go (processPVC,
// isBeingUsed, podUsesPVC, askInformer, askAPIServer, podAddedDeletedUpdated) and
// pkg/controller/volume/pvprotection/pv_protection_controller.go (processPV, isBeingUsed).
import { R } from '../../api/gvr.js';
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Client } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, claimKey, clone } from '../pvbinder/helpers.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../pvbinder/types.js';

/**
 * Upstream podUsesPVC: only a *scheduled* pod (spec.nodeName set) uses a claim — the kubelet refuses to start
 * pods whose claim is being deleted, so unscheduled pods cannot start using it. Pod phase is not checked for
 * persistentVolumeClaim volumes: a Succeeded pod that still exists keeps the claim. Generic ephemeral volumes
 * count only while the pod is not shut down.
 */
export function podUsesClaim(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec.nodeName || pod.metadata.namespace !== claim.metadata.namespace) return false;
  const shutDown = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  return (pod.spec.volumes ?? []).some((v) =>
    v.persistentVolumeClaim?.claimName === claim.metadata.name ||
    (!!v.ephemeral && !shutDown && `${pod.metadata.name}-${v.name}` === claim.metadata.name));
}

/** Claim keys (ns/name) a pod's volumes refer to, including generic ephemeral volumes (`<pod>-<volume>`). */
export function claimKeysOfPod(pod: Pod): string[] {
  const ns = pod.metadata.namespace;
  return (pod.spec.volumes ?? []).flatMap((v) => v.persistentVolumeClaim ? [`${ns}/${v.persistentVolumeClaim.claimName}`]
    : v.ephemeral ? [`${ns}/${pod.metadata.name}-${v.name}`] : []);
}

const withFinalizer = <T extends PersistentVolume | PersistentVolumeClaim>(o: T, f: string, add: boolean): T => {
  const c = clone(o);
  const list = (c.metadata.finalizers ?? []).filter((x) => x !== f);
  if (add) list.push(f);
  c.metadata.finalizers = list;
  return c;
};

export interface PVCProtectionDeps {
  client: Client;
  getClaim: (key: string) => PersistentVolumeClaim | undefined;
  /** Pods whose volumes refer to the claim key, from the shared index. */
  podsForClaim: (key: string) => Pod[];
  log?: (msg: string) => void;
}

export class PVCProtectionController {
  readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  constructor(private readonly d: PVCProtectionDeps) {}

  claimChanged(c: PersistentVolumeClaim): void {
    const has = c.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER);
    if ((!c.metadata.deletionTimestamp && !has) || (c.metadata.deletionTimestamp && has)) this.queue.add(claimKey(c));
  }

  /** Upstream podAddedDeletedUpdated: a pod going away, finishing or unscheduled may free its claims. */
  podChanged(pod: Pod, deleted: boolean): void {
    if (!deleted && pod.spec.nodeName && !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') return;
    for (const key of claimKeysOfPod(pod)) {
      const c = this.d.getClaim(key);
      if (c?.metadata.deletionTimestamp) this.queue.add(key);
    }
  }

  async sync(key: string): Promise<void> {
    const c = this.d.getClaim(key);
    if (!c) return;
    const has = c.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER);
    if (!c.metadata.deletionTimestamp && !has) {
      await this.write(withFinalizer(c, PVC_PROTECTION_FINALIZER, true));
      return;
    }
    if (!c.metadata.deletionTimestamp || !has) return;
    if (this.d.podsForClaim(key).some((p) => podUsesClaim(p, c))) return;
    // The cache may be behind a pod just scheduled: ask the API server before letting the claim go (askAPIServer).
    const live = await this.d.client.list<Pod>(R.pods, c.metadata.namespace);
    if (live.items.some((p) => podUsesClaim(p, c))) return;
    await this.write(withFinalizer(c, PVC_PROTECTION_FINALIZER, false));
  }

  private async write(c: PersistentVolumeClaim): Promise<void> {
    try { await this.d.client.update(R.persistentvolumeclaims, c.metadata.namespace, c); } catch (e) {
      if (isNotFound(e)) return;
      if (isConflict(e)) throw e; // re-synced with the newer object
      throw e;
    }
  }
}

export interface PVProtectionDeps { client: Client; getVolume: (name: string) => PersistentVolume | undefined }

export class PVProtectionController {
  readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  constructor(private readonly d: PVProtectionDeps) {}

  volumeChanged(v: PersistentVolume): void {
    const has = v.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER);
    if ((!v.metadata.deletionTimestamp && !has) || (v.metadata.deletionTimestamp && has)) this.queue.add(v.metadata.name!);
  }

  /** Upstream processPV: add the finalizer to live volumes; remove it from a deleted one once it is not Bound. */
  async sync(name: string): Promise<void> {
    const v = this.d.getVolume(name);
    if (!v) return;
    const has = v.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER);
    let next: PersistentVolume | undefined;
    if (!v.metadata.deletionTimestamp && !has) next = withFinalizer(v, PV_PROTECTION_FINALIZER, true);
    else if (v.metadata.deletionTimestamp && has && v.status?.phase !== 'Bound') next = withFinalizer(v, PV_PROTECTION_FINALIZER, false);
    if (!next) return;
    try { await this.d.client.update(R.persistentvolumes, undefined, next); } catch (e) { if (!isNotFound(e)) throw e; }
  }
}
