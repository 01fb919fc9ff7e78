// The PersistentVolume controller: binds claims to volumes, provisions through storage classes, releases and
// reclaims volumes. Level-triggered: syncClaim / syncVolume look at the cached state of one object and write
// what is missing, so a crash between any two writes is completed by the next sync.
// Upstream: pkg/controller/volume/persistentvolume/pv_controller.go (syncClaim, syncUnboundClaim,
// syncBoundClaim, syncVolume, bind, unbindVolume, reclaimVolume, deleteVolumeOperation, recycleVolumeOperation,
// provisionClaim, provisionClaimOperation[External]) and pv_controller_base.go (handlers, workers, resync).
//
// Crash safety: the PV's claimRef (with the claim's UID) is the source of truth and is written first, with
// the cached resourceVersion as precondition, so two workers or two processes can never both take one volume:
// the second write fails with a Conflict and its claim is re-synced against the new state.
import { R } from '../../api/gvr.js';
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Client } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, NOT_SUPPORTED_PROVISIONER, checkVolumeSatisfyClaim, claimClass,
  claimHasNoClass, claimKey, claimRefKey, clone, defaultClass, hasAnnotation, isDelayBindingMode,
  isDelayBindingProvisioning, isVolumeBoundToClaim, rvNewer, volumeModeMismatch, accessModesContained,
  claimRequest, isSmaller, volumeCapacity, volumeClass,
} from './helpers.js';
import { labelSelectorFromObject, matchesLabels } from '../../api/labels.js';
import type { VolumePlugins } from './plugins.js';
import { VolumeIndex } from './volumeindex.js';
import {
  CLAIM_PHASE, PV_PHASE, type Node, type PersistentVolume, type PersistentVolumeClaim, type Pod, type StorageClass,
} from './types.js';
import type { KObject } from '../../api/object.js';

export type EventType = 'Normal' | 'Warning';
export interface EventSink { event(obj: KObject, type: EventType, reason: string, message: string): void }

export interface PVControllerDeps {
  client: Client;
  events: EventSink;
  plugins: VolumePlugins;
  now?: () => Date;
  log?: (msg: string, extra?: object) => void;
  /** Pods (any phase) whose volumes name this claim; from an index, never a scan. */
  podsForClaim?: (namespace: string, name: string) => Pod[];
  getNode?: (name: string) => Node | undefined;
  /** Delay before retrying a failed reclaim or provisioning operation. */
  retryMs?: number;
}

/** Errors the controller reports as events and retries at the next resync, not with fast back-off. */
class QuietError extends Error {}

export class PVController {
  readonly volumes = new VolumeIndex();
  readonly claims = new Map<string, PersistentVolumeClaim>();
  readonly classes = new Map<string, StorageClass>();
  readonly claimQueue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 10_000 });
  readonly volumeQueue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 10_000 });
  /** Unbound claims that found no volume, by class: retried when a volume of that class frees up or the class appears. */
  private waiting = new Map<string, Set<string>>();
  private ops = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly log: (msg: string, extra?: object) => void;

  constructor(private readonly d: PVControllerDeps) {
    this.now = d.now ?? (() => new Date());
    this.log = d.log ?? (() => {});
    this.volumes.onFree = (pv) => this.wakeWaitingClaim(pv);
  }

  // ---- cache feeding (informer handlers and our own writes) -------------------------------------------

  volumeObserved(pv: PersistentVolume): void {
    const old = this.volumes.get(pv.metadata.name!);
    if (old && old.metadata.uid === pv.metadata.uid && !rvNewer(pv.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    this.volumes.upsert(pv);
    this.volumeQueue.add(pv.metadata.name!);
    // A volume that names a claim not yet bound to it: let the claim finish the binding now (pre-bound
    // volumes, scheduler PreBind, provisioned volumes) instead of at the next resync.
    const ck = claimRefKey(pv);
    if (ck) {
      const c = this.claims.get(ck);
      if (c && (c.spec.volumeName !== pv.metadata.name || !hasAnnotation(c, ANN_BIND_COMPLETED))) this.claimQueue.add(ck);
    }
  }

  volumeDeleted(pv: PersistentVolume): void {
    this.volumes.remove(pv.metadata.name!);
    // Upstream deleteVolume: sync the claim so it turns Lost quickly.
    const ck = claimRefKey(pv);
    if (ck && this.claims.has(ck)) this.claimQueue.add(ck);
  }

  claimObserved(c: PersistentVolumeClaim): void {
    const key = claimKey(c);
    const old = this.claims.get(key);
    if (old && old.metadata.uid === c.metadata.uid && !rvNewer(c.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    this.claims.set(key, c);
    this.claimQueue.add(key);
  }

  claimDeleted(c: PersistentVolumeClaim): void {
    const key = claimKey(c);
    const cur = this.claims.get(key);
    if (cur && cur.metadata.uid !== c.metadata.uid) return;
    this.claims.delete(key);
    this.unwait(key);
    // Upstream deleteClaim: sync the volume it was bound to so it is released at once.
    if (c.spec.volumeName) this.volumeQueue.add(c.spec.volumeName);
  }

  classObserved(sc: StorageClass): void {
    this.classes.set(sc.metadata.name!, sc);
    for (const key of this.waiting.get(sc.metadata.name!) ?? []) this.claimQueue.add(key);
    // Claims without any class wait for a default class to appear (retroactive default, GA 1.28).
    for (const key of this.waiting.get('') ?? []) this.claimQueue.add(key);
  }
  classDeleted(sc: StorageClass): void { this.classes.delete(sc.metadata.name!); }

  /** Re-queues everything, as upstream's periodic resync does (WaitForFirstConsumer events repeat, Failed reclaims retry). */
  resync(): void {
    for (const k of this.claims.keys()) this.claimQueue.add(k);
    for (const pv of this.volumes.list()) this.volumeQueue.add(pv.metadata.name!);
  }

  private wait(c: PersistentVolumeClaim): void {
    const cls = claimClass(c);
    let s = this.waiting.get(cls);
    if (!s) this.waiting.set(cls, (s = new Set()));
    s.add(claimKey(c));
  }
  private unwait(key: string, c?: PersistentVolumeClaim): void {
    if (c) { this.waiting.get(claimClass(c))?.delete(key); return; }
    for (const s of this.waiting.values()) s.delete(key);
  }

  /** A volume became free: retry the first waiting claim of its class that it could satisfy. */
  private wakeWaitingClaim(pv: PersistentVolume): void {
    const s = this.waiting.get(volumeClass(pv));
    if (!s) return;
    // Claims of a WaitForFirstConsumer class never take a free volume here (the scheduler picks one).
    if (this.classes.get(volumeClass(pv))?.volumeBindingMode === 'WaitForFirstConsumer') return;
    let looked = 0;
    for (const key of s) {
      if (++looked > 1000) break;
      const c = this.claims.get(key);
      if (!c) { s.delete(key); continue; }
      if (!accessModesContained(c.spec.accessModes, pv.spec.accessModes)) continue;
      if (isSmaller(volumeCapacity(pv), claimRequest(c)) || volumeModeMismatch(c, pv)) continue;
      if (c.spec.selector) {
        try { if (!matchesLabels(labelSelectorFromObject(c.spec.selector), pv.metadata.labels)) continue; } catch { continue; }
      }
      s.delete(key);
      this.claimQueue.add(key);
      return;
    }
  }

  // ---- workers ---------------------------------------------------------------------------------------

  async syncClaimKey(key: string): Promise<void> {
    const c = this.claims.get(key);
    if (!c) return;
    try {
      await this.syncClaim(c);
    } catch (err) {
      if (err instanceof QuietError) { this.log(`claim ${key}: ${err.message}`); return; }
      throw err;
    }
  }

  async syncVolumeKey(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv) return;
    await this.syncVolume(pv);
  }

  /** Resolves when no asynchronous operation (provision, delete, recycle) is running. */
  async idle(): Promise<void> {
    while (this.ops.size) await Promise.allSettled([...this.ops.values()]);
  }

  // ---- syncClaim -------------------------------------------------------------------------------------

  async syncClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (!hasAnnotation(claim, ANN_BIND_COMPLETED)) return this.syncUnboundClaim(claim);
    return this.syncBoundClaim(claim);
  }

  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const key = claimKey(claim);
    if (!claim.spec.volumeName) {
      let delayBinding: boolean;
      try { delayBinding = isDelayBindingMode(claim, (n) => this.classes.get(n)); } catch (e) { throw new QuietError((e as Error).message); }
      const volume = this.volumes.findByClaim(claim, delayBinding);
      if (!volume) {
        // Upstream: assignDefaultStorageClass (retroactive default StorageClass).
        if (claimHasNoClass(claim)) {
          const def = defaultClass([...this.classes.values()]);
          if (def) {
            const c = clone(claim);
            c.spec.storageClassName = def.metadata.name;
            this.assumeClaim(await this.d.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata.namespace, c));
            return;
          }
        }
        this.wait(claim);
        if (delayBinding && !isDelayBindingProvisioning(claim)) {
          this.emitEventForUnboundDelayBindingClaim(claim);
        } else if (claimClass(claim) !== '') {
          this.provisionClaim(claim);
          return;
        } else {
          this.d.events.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
        }
        await this.updateClaimStatus(claim, CLAIM_PHASE.Pending, undefined);
        return;
      }
      this.unwait(key, claim);
      await this.bindReserved(volume, claim);
      return;
    }
    // The user asked for a particular volume (spec.volumeName).
    const volume = this.volumes.get(claim.spec.volumeName);
    if (!volume) {
      await this.updateClaimStatus(claim, CLAIM_PHASE.Pending, undefined);
      return;
    }
    if (!volume.spec.claimRef) {
      const why = checkVolumeSatisfyClaim(volume, claim);
      if (why) {
        this.d.events.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume ${JSON.stringify(volume.metadata.name)}: ${why}`);
        await this.updateClaimStatus(claim, CLAIM_PHASE.Pending, undefined);
        return;
      }
      await this.bindReserved(volume, claim);
      return;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      await this.bind(volume, claim);
      return;
    }
    // The volume is claimed by someone else.
    if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) {
      this.d.events.event(claim, 'Warning', 'FailedBinding', `volume ${JSON.stringify(volume.metadata.name)} already bound to a different claim.`);
      await this.updateClaimStatus(claim, CLAIM_PHASE.Pending, undefined);
      return;
    }
    throw new QuietError(`invalid binding of claim ${JSON.stringify(key)} to volume ${JSON.stringify(volume.metadata.name)}: volume already claimed by ${JSON.stringify(claimRefKey(volume))}`);
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (!claim.spec.volumeName) {
      await this.updateClaimStatusWithEvent(claim, CLAIM_PHASE.Lost, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get(claim.spec.volumeName);
    if (!volume) {
      await this.updateClaimStatusWithEvent(claim, CLAIM_PHASE.Lost, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    if (!volume.spec.claimRef) {
      // Bound claim whose volume came unbound (or the cache is behind): bind again.
      await this.bindReserved(volume, claim);
      return;
    }
    if (volume.spec.claimRef.uid === claim.metadata.uid) {
      await this.bind(volume, claim);
      return;
    }
    await this.updateClaimStatusWithEvent(claim, CLAIM_PHASE.Lost, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  private emitEventForUnboundDelayBindingClaim(claim: PersistentVolumeClaim): void {
    // Upstream: findNonScheduledPodsByPVC — pods using the claim that have no node and are not terminated.
    const pods = (this.d.podsForClaim?.(claim.metadata.namespace!, claim.metadata.name!) ?? [])
      .filter((p) => !p.spec.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .map((p) => p.metadata.name!);
    if (pods.length === 0) {
      this.d.events.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    } else {
      this.d.events.event(claim, 'Normal', 'WaitForPodScheduled', pods.length > 1
        ? `waiting for pods ${pods.join(',')} to be scheduled` : `waiting for pod ${pods[0]} to be scheduled`);
    }
  }

  // ---- bind ------------------------------------------------------------------------------------------

  /** bind() while holding the volume out of the index so no parallel worker picks it. */
  private async bindReserved(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const name = volume.metadata.name!;
    this.volumes.reserve(name);
    try { await this.bind(volume, claim); } finally { this.volumes.unreserve(name); }
  }

  /** Upstream: bind — PV claimRef, PV phase, claim volumeName + annotations, claim phase; each only if needed. */
  async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    volume = await this.bindVolumeToClaim(volume, claim);
    volume = await this.updateVolumePhase(volume, PV_PHASE.Bound, '');
    claim = await this.bindClaimToVolume(claim, volume);
    await this.updateClaimStatus(claim, CLAIM_PHASE.Bound, volume);
    this.unwait(claimKey(claim), claim);
  }

  private async bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<PersistentVolume> {
    const shouldSetBoundByController = !isVolumeBoundToClaim(volume, claim);
    const v = clone(volume);
    let dirty = false;
    const ref = volume.spec.claimRef;
    if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
      v.spec.claimRef = {
        kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
        uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
      };
      dirty = true;
    }
    if (shouldSetBoundByController && !hasAnnotation(v, ANN_BOUND_BY_CONTROLLER)) {
      v.metadata.annotations = { ...v.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      dirty = true;
    }
    if (!dirty) return volume;
    return this.assumeVolume(await this.d.client.update<PersistentVolume>(R.persistentvolumes, undefined, v));
  }

  private async bindClaimToVolume(claim: PersistentVolumeClaim, volume: PersistentVolume): Promise<PersistentVolumeClaim> {
    const c = clone(claim);
    let dirty = false;
    if (claim.spec.volumeName !== volume.metadata.name) {
      c.spec.volumeName = volume.metadata.name;
      if (!hasAnnotation(c, ANN_BOUND_BY_CONTROLLER)) c.metadata.annotations = { ...c.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      dirty = true;
    }
    if (!hasAnnotation(c, ANN_BIND_COMPLETED)) {
      c.metadata.annotations = { ...c.metadata.annotations, [ANN_BIND_COMPLETED]: 'yes' };
      dirty = true;
    }
    if (!dirty) return claim;
    return this.assumeClaim(await this.d.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata.namespace, c));
  }

  /** Upstream: unbindVolume — controller bindings lose claimRef, user pre-bindings only the UID; then Available. */
  private async unbindVolume(volume: PersistentVolume): Promise<void> {
    const v = clone(volume);
    if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      delete v.spec.claimRef;
      const ann = { ...v.metadata.annotations };
      delete ann[ANN_BOUND_BY_CONTROLLER];
      v.metadata.annotations = ann;
    } else if (v.spec.claimRef) {
      v.spec.claimRef = { ...v.spec.claimRef, uid: '' };
    }
    const updated = this.assumeVolume(await this.d.client.update<PersistentVolume>(R.persistentvolumes, undefined, v));
    await this.updateVolumePhase(updated, PV_PHASE.Available, '');
  }

  // ---- status writes ---------------------------------------------------------------------------------

  /** Upstream: updateClaimStatus — phase, and accessModes/capacity copied from the volume (capacity only on the way into Bound). */
  private async updateClaimStatus(claim: PersistentVolumeClaim, phase: string, volume: PersistentVolume | undefined): Promise<PersistentVolumeClaim> {
    const c = clone(claim);
    c.status = { ...c.status };
    let dirty = false;
    if (claim.status?.phase !== phase) { c.status.phase = phase; dirty = true; }
    if (!volume) {
      if (claim.status?.accessModes) { delete c.status.accessModes; dirty = true; }
      if (claim.status?.capacity) { delete c.status.capacity; dirty = true; }
    } else {
      if (JSON.stringify(claim.status?.accessModes ?? null) !== JSON.stringify(volume.spec.accessModes ?? null)) {
        c.status.accessModes = volume.spec.accessModes;
        dirty = true;
      }
      if (claim.status?.phase !== phase) {
        const cap = volume.spec.capacity?.storage;
        if (cap === undefined) throw new Error(`PersistentVolume ${JSON.stringify(volume.metadata.name)} is without a storage capacity`);
        if (claim.status?.capacity?.storage !== cap) { c.status.capacity = volume.spec.capacity; dirty = true; }
      }
    }
    if (!dirty) return claim;
    return this.assumeClaim(await this.d.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata.namespace, c, { subresource: 'status' }));
  }

  /** Events only on an actual phase change, as upstream. */
  private async updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: string, type: EventType, reason: string, message: string): Promise<void> {
    if (claim.status?.phase === phase) return;
    const c = await this.updateClaimStatus(claim, phase, undefined);
    this.d.events.event(c, type, reason, message);
  }

  private async updateVolumePhase(volume: PersistentVolume, phase: string, message: string): Promise<PersistentVolume> {
    if (volume.status?.phase === phase) return volume;
    const v = clone(volume);
    v.status = { ...v.status, phase, message: message || undefined, lastPhaseTransitionTime: this.now().toISOString().replace(/\.\d+Z$/, 'Z') };
    if (!message) delete v.status.message;
    return this.assumeVolume(await this.d.client.update<PersistentVolume>(R.persistentvolumes, undefined, v, { subresource: 'status' }));
  }

  private async updateVolumePhaseWithEvent(volume: PersistentVolume, phase: string, type: EventType, reason: string, message: string): Promise<PersistentVolume> {
    if (volume.status?.phase === phase) return volume;
    const v = await this.updateVolumePhase(volume, phase, message);
    this.d.events.event(v, type, reason, message);
    return v;
  }

  private assumeVolume(pv: PersistentVolume): PersistentVolume { this.volumeObserved(pv); return pv; }
  private assumeClaim(c: PersistentVolumeClaim): PersistentVolumeClaim { this.claimObserved(c); return c; }

  // ---- syncVolume ------------------------------------------------------------------------------------

  async syncVolume(volume: PersistentVolume): Promise<void> {
    const ref = volume.spec.claimRef;
    if (!ref || !ref.uid) {
      // Unused, or reserved for a claim that has not bound yet: offer it.
      await this.updateVolumePhase(volume, PV_PHASE.Available, '');
      return;
    }
    const key = claimRefKey(volume);
    let claim: PersistentVolumeClaim | undefined = this.claims.get(key);
    if (!claim && volume.status?.phase !== PV_PHASE.Released && volume.status?.phase !== PV_PHASE.Failed) {
      // The claim may be missing only from our cache (created by someone moments ago): ask the API before releasing.
      claim = await this.getClaimLive(ref.namespace!, ref.name!);
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      const fresh = await this.getClaimLive(ref.namespace!, ref.name!);
      claim = fresh && fresh.metadata.uid === ref.uid ? fresh : undefined;
    }
    if (!claim) {
      if (volume.status?.phase !== PV_PHASE.Released && volume.status?.phase !== PV_PHASE.Failed) {
        volume = await this.updateVolumePhase(volume, PV_PHASE.Released, '');
      }
      await this.reclaimVolume(volume);
      return;
    }
    if (!claim.spec.volumeName) {
      if (volumeModeMismatch(claim, volume)) {
        this.d.events.event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim ${JSON.stringify(claim.metadata.name)} due to incompatible volumeMode.`);
        this.d.events.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume ${JSON.stringify(volume.metadata.name)} to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // Binding half done (crash, scheduler PreBind, provisioned volume): the claim sync finishes it.
      this.claimQueue.add(key);
      return;
    }
    if (claim.spec.volumeName === volume.metadata.name) {
      await this.updateVolumePhase(volume, PV_PHASE.Bound, '');
      return;
    }
    // The claim is bound to another volume.
    if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volume.spec.persistentVolumeReclaimPolicy === 'Delete') {
      if (volume.status?.phase !== PV_PHASE.Released && volume.status?.phase !== PV_PHASE.Failed) {
        volume = await this.updateVolumePhase(volume, PV_PHASE.Released, '');
      }
      await this.reclaimVolume(volume);
      return;
    }
    await this.unbindVolume(volume);
  }

  private async getClaimLive(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    try {
      return await this.d.client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  // ---- reclaim ---------------------------------------------------------------------------------------

  /** Upstream: reclaimVolume. */
  private async reclaimVolume(volume: PersistentVolume): Promise<void> {
    const uid = volume.metadata.uid;
    switch (volume.spec.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Recycle':
        this.scheduleOperation(`recycle-${volume.metadata.name}[${uid}]`, volume.metadata.name!, () => this.recycleVolumeOperation(volume));
        return;
      case 'Delete':
        this.scheduleOperation(`delete-${volume.metadata.name}[${uid}]`, volume.metadata.name!, () => this.deleteVolumeOperation(volume));
        return;
      default:
        await this.updateVolumePhaseWithEvent(volume, PV_PHASE.Failed, 'Warning', 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  /** Upstream: isVolumeReleased — claimRef with a UID whose claim is gone or bound elsewhere. */
  private isVolumeReleased(volume: PersistentVolume): boolean {
    const ref = volume.spec.claimRef;
    if (!ref || !ref.uid) return false;
    const claim = this.claims.get(claimRefKey(volume));
    if (claim && claim.metadata.uid === ref.uid) return !!claim.spec.volumeName && claim.spec.volumeName !== volume.metadata.name;
    return true;
  }

  private async freshVolume(name: string): Promise<PersistentVolume | undefined> {
    try { return this.assumeVolume(await this.d.client.get<PersistentVolume>(R.persistentvolumes, undefined, name)); } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async deleteVolumeOperation(volume: PersistentVolume): Promise<void> {
    const fresh = await this.freshVolume(volume.metadata.name!);
    if (!fresh || !this.isVolumeReleased(fresh)) return;
    volume = fresh;
    let plugin;
    const by = volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
    if (by) {
      plugin = this.d.plugins.deletableByName(by);
      // Volumes of external provisioners (not kubernetes.io/) are deleted by them.
      if (!plugin && !by.startsWith('kubernetes.io/')) return;
    }
    plugin ??= this.d.plugins.deletableBySpec(volume);
    if (!plugin) {
      const msg = `error getting deleter volume plugin for volume ${JSON.stringify(volume.metadata.name)}: no deletable volume plugin matched`;
      await this.updateVolumePhaseWithEvent(volume, PV_PHASE.Failed, 'Warning', 'VolumeFailedDelete', msg);
      throw new Error(msg);
    }
    try {
      await plugin.delete(volume);
    } catch (e) {
      await this.updateVolumePhaseWithEvent(volume, PV_PHASE.Failed, 'Warning', 'VolumeFailedDelete', (e as Error).message);
      throw e;
    }
    try {
      await this.d.client.delete(R.persistentvolumes, undefined, volume.metadata.name!, { preconditions: { uid: volume.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async recycleVolumeOperation(volume: PersistentVolume): Promise<void> {
    const fresh = await this.freshVolume(volume.metadata.name!);
    if (!fresh || !this.isVolumeReleased(fresh)) return;
    volume = fresh;
    // Upstream: isVolumeUsed — pods (not yet terminated) still using the claim block recycling.
    const ref = volume.spec.claimRef!;
    const users = (this.d.podsForClaim?.(ref.namespace!, ref.name!) ?? [])
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    if (users.length) {
      this.d.events.event(volume, 'Normal', 'VolumeFailedRecycle', `Volume is used by pods: ${users.join(',')}`);
      throw new Error('volume in use');
    }
    const plugin = this.d.plugins.recyclableBySpec(volume);
    if (!plugin) {
      await this.updateVolumePhaseWithEvent(volume, PV_PHASE.Failed, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      return;
    }
    try {
      await plugin.recycle(volume, (msg) => this.d.events.event(volume, 'Normal', 'RecyclerPod', `Recycler pod: ${msg}`));
    } catch (e) {
      await this.updateVolumePhaseWithEvent(volume, PV_PHASE.Failed, 'Warning', 'VolumeFailedRecycle', `Recycle failed: ${(e as Error).message}`);
      throw e;
    }
    this.d.events.event(volume, 'Normal', 'VolumeRecycled', 'Volume recycled');
    const latest = (await this.freshVolume(volume.metadata.name!)) ?? volume;
    await this.unbindVolume(latest);
  }

  /** Runs one named asynchronous operation at a time; a failure retries the volume or claim after retryMs. */
  private scheduleOperation(name: string, retryKey: string, fn: () => Promise<void>, queue: WorkQueue = this.volumeQueue): void {
    if (this.ops.has(name)) return;
    const p = fn().catch((e) => {
      this.log(`operation ${name} failed: ${(e as Error).message}`);
      queue.addAfter(retryKey, this.d.retryMs ?? 5000);
    }).finally(() => this.ops.delete(name));
    this.ops.set(name, p);
  }

  // ---- provisioning ----------------------------------------------------------------------------------

  /** Upstream: provisionClaim + findProvisionablePlugin. */
  private provisionClaim(claim: PersistentVolumeClaim): void {
    const clsName = claimClass(claim);
    const sc = this.classes.get(clsName);
    if (!sc) {
      this.d.events.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io ${JSON.stringify(clsName)} not found`);
      return;
    }
    const inTree = this.d.plugins.provisionable(sc.provisioner);
    if (!inTree && sc.provisioner.startsWith('kubernetes.io/')) {
      this.d.events.event(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${sc.provisioner}`);
      return;
    }
    const op = `provision-${claimKey(claim)}[${claim.metadata.uid}]`;
    this.scheduleOperation(op, claimKey(claim), () => inTree
      ? this.provisionClaimOperation(claim, sc)
      : this.provisionClaimOperationExternal(claim, sc), this.claimQueue);
  }

  /** Upstream: setClaimProvisioner — both the GA and the beta annotation. */
  private async setClaimProvisioner(claim: PersistentVolumeClaim, provisioner: string): Promise<PersistentVolumeClaim> {
    const a = claim.metadata.annotations ?? {};
    if (a[ANN_STORAGE_PROVISIONER] === provisioner && a[ANN_BETA_STORAGE_PROVISIONER] === provisioner) return claim;
    const c = clone(claim);
    c.metadata.annotations = { ...a, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
    return this.assumeClaim(await this.d.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata.namespace, c));
  }

  private async provisionClaimOperationExternal(claim: PersistentVolumeClaim, sc: StorageClass): Promise<void> {
    claim = await this.setClaimProvisioner(claim, sc.provisioner);
    this.d.events.event(claim, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
  }

  private async provisionClaimOperation(claim: PersistentVolumeClaim, sc: StorageClass): Promise<void> {
    const plugin = this.d.plugins.provisionable(sc.provisioner)!;
    claim = await this.setClaimProvisioner(claim, plugin.name);
    const pvName = `pvc-${claim.metadata.uid}`;
    if (await this.freshVolume(pvName)) return; // provisioned by an earlier run
    if (!plugin.supportsMountOptions && sc.mountOptions?.length) {
      this.d.events.event(claim, 'Warning', 'ProvisioningFailed', `Mount options are not supported by the provisioner but StorageClass ${JSON.stringify(sc.metadata.name)} has mount options [${sc.mountOptions.join(' ')}]`);
      throw new Error(`provisioner ${JSON.stringify(plugin.name)} doesn't support mount options`);
    }
    let selectedNode: Node | undefined;
    const nodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    if (nodeName) {
      selectedNode = this.d.getNode?.(nodeName);
      if (!selectedNode) {
        const err = `nodes ${JSON.stringify(nodeName)} not found`;
        this.d.events.event(claim, 'Warning', 'ProvisioningFailed', `Failed to get target node: ${err}`);
        throw new Error(err);
      }
    }
    let volume: PersistentVolume;
    try {
      volume = await plugin.provision({ pvName, claim, storageClass: sc, selectedNode });
    } catch (e) {
      await this.rescheduleProvisioning(claim);
      this.d.events.event(claim, 'Warning', 'ProvisioningFailed', `Failed to provision volume with StorageClass ${JSON.stringify(sc.metadata.name)}: ${(e as Error).message}`);
      throw e;
    }
    volume.metadata.name ||= pvName;
    volume.spec.claimRef = {
      kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
      uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
    };
    volume.spec.storageClassName = claimClass(claim);
    volume.spec.persistentVolumeReclaimPolicy ??= sc.reclaimPolicy ?? 'Delete';
    if (sc.mountOptions?.length) volume.spec.mountOptions ??= sc.mountOptions;
    volume.metadata.annotations = { ...volume.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes', [ANN_DYNAMICALLY_PROVISIONED]: plugin.name };
    try {
      this.assumeVolume(await this.d.client.create<PersistentVolume>(R.persistentvolumes, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', ...volume }));
    } catch (e) {
      if (!isConflict(e) && !(e as { reason?: string }).reason?.includes('AlreadyExists')) throw e;
    }
    this.d.events.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volume.metadata.name} using ${plugin.name}`);
  }

  /** Upstream: rescheduleProvisioning — drop the selected node so the scheduler picks again. */
  private async rescheduleProvisioning(claim: PersistentVolumeClaim): Promise<void> {
    if (!hasAnnotation(claim, ANN_SELECTED_NODE)) return;
    const c = clone(claim);
    const ann = { ...c.metadata.annotations };
    delete ann[ANN_SELECTED_NODE];
    c.metadata.annotations = ann;
    try { this.assumeClaim(await this.d.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata.namespace, c)); } catch (e) {
      this.log(`reschedule provisioning of ${claimKey(claim)}: ${(e as Error).message}`);
    }
  }
}

export { NOT_SUPPORTED_PROVISIONER };
