// The PV controller's index of volumes: answers "best volume for this claim" without scanning.
// Upstream: pkg/controller/volume/persistentvolume/index.go (persistentVolumeOrderedIndex.findByClaim) and
// component-helpers pv_helpers.go FindMatchingVolume. Upstream lists every PV of an access-mode set and scans
// it per claim; here each access-mode set keeps, per storage class, its free volumes (Available, no claimRef)
// sorted by size, and pre-bound volumes are indexed by the claim they name. The result is the same volume
// upstream would pick: access-mode sets tried fewest modes first, pre-bound wins inside a set, else the smallest
// free volume of the claim's class that fits, passes the selector and has the same volumeMode.
import { labelSelectorFromObject, matchesLabels } from '../../api/labels.js';
import {
  claimClass, claimKey, claimRefKey, claimRequest, isSmaller, isVolumeBoundToClaim, sizeOf, volumeCapacity,
  volumeClass, volumeModeMismatch,
} from './helpers.js';
import { PV_PHASE, type PersistentVolume, type PersistentVolumeClaim } from './types.js';

interface Entry { size: number; name: string }
interface ModeSet { key: string; modes: Set<string>; count: number; free: Map<string, Entry[]> }

export const modesKey = (modes: string[] | undefined) => [...new Set(modes ?? [])].sort().join(',');
export const isFree = (pv: PersistentVolume) =>
  !pv.spec.claimRef && pv.status?.phase === PV_PHASE.Available && !pv.metadata.deletionTimestamp;

function lowerBound(list: Entry[], size: number, name = ''): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = list[mid]!;
    if (e.size < size || (e.size === size && e.name < name)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export class VolumeIndex {
  private volumes = new Map<string, PersistentVolume>();
  private sets = new Map<string, ModeSet>();
  private prebound = new Map<string, Set<string>>();
  private reserved = new Set<string>();
  /** Called when a volume becomes free (so claims waiting for one can be retried at once). */
  onFree?: (pv: PersistentVolume) => void;

  get size(): number { return this.volumes.size; }
  get(name: string): PersistentVolume | undefined { return this.volumes.get(name); }
  list(): PersistentVolume[] { return [...this.volumes.values()]; }

  upsert(pv: PersistentVolume): void {
    const name = pv.metadata.name!;
    const old = this.volumes.get(name);
    const wasFree = old ? isFree(old) : false;
    if (old) this.unindex(old);
    this.volumes.set(name, pv);
    this.index(pv);
    if (!wasFree && isFree(pv)) this.onFree?.(pv);
  }

  remove(name: string): void {
    const old = this.volumes.get(name);
    if (!old) return;
    this.unindex(old);
    this.volumes.delete(name);
  }

  /** Marks a volume as being bound by a worker so no other claim picks it meanwhile. */
  reserve(name: string): void { this.reserved.add(name); }
  unreserve(name: string): void { this.reserved.delete(name); }

  /** Upstream: findByClaim — the volume to bind to this claim, or undefined. */
  findByClaim(claim: PersistentVolumeClaim, delayBinding: boolean): PersistentVolume | undefined {
    const want = claim.spec.accessModes ?? [];
    const sets = [...this.sets.values()]
      .filter((s) => s.count > 0 && want.every((m) => s.modes.has(m)))
      .sort((a, b) => a.modes.size - b.modes.size || a.key.localeCompare(b.key));
    const pre = this.prebound.get(claimKey(claim));
    const request = claimRequest(claim);
    const requestBytes = sizeOf(claim.spec.resources?.requests?.storage);
    const cls = claimClass(claim);
    let selector: ReturnType<typeof labelSelectorFromObject> | undefined;
    if (claim.spec.selector) {
      try { selector = labelSelectorFromObject(claim.spec.selector); } catch { return undefined; }
    }
    for (const set of sets) {
      if (pre) {
        for (const name of [...pre].sort()) {
          const pv = this.volumes.get(name);
          if (!pv || modesKey(pv.spec.accessModes) !== set.key || this.reserved.has(name)) continue;
          if (!isVolumeBoundToClaim(pv, claim) || !this.basicFit(pv, claim, request)) continue;
          return pv;
        }
      }
      if (delayBinding) continue;
      const list = set.free.get(cls);
      if (!list) continue;
      for (let i = lowerBound(list, requestBytes); i < list.length; i++) {
        const name = list[i]!.name;
        const pv = this.volumes.get(name);
        if (!pv || this.reserved.has(name) || !this.basicFit(pv, claim, request)) continue;
        if (selector && !matchesLabels(selector, pv.metadata.labels)) continue;
        return pv;
      }
    }
    return undefined;
  }

  /** FindMatchingVolume checks 3–6: capacity, volumeMode, VolumeAttributesClass (gate off), deletion. */
  private basicFit(pv: PersistentVolume, claim: PersistentVolumeClaim, request: ReturnType<typeof claimRequest>): boolean {
    if (isSmaller(volumeCapacity(pv), request)) return false;
    if (volumeModeMismatch(claim, pv)) return false;
    if (pv.spec.volumeAttributesClassName) return false;
    return !pv.metadata.deletionTimestamp;
  }

  private index(pv: PersistentVolume): void {
    const key = modesKey(pv.spec.accessModes);
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = { key, modes: new Set(key ? key.split(',') : []), count: 0, free: new Map() }));
    set.count++;
    if (pv.spec.claimRef) {
      const ck = claimRefKey(pv);
      let s = this.prebound.get(ck);
      if (!s) this.prebound.set(ck, (s = new Set()));
      s.add(pv.metadata.name!);
    }
    if (isFree(pv)) {
      const cls = volumeClass(pv);
      let list = set.free.get(cls);
      if (!list) set.free.set(cls, (list = []));
      const e = { size: sizeOf(pv.spec.capacity?.storage), name: pv.metadata.name! };
      list.splice(lowerBound(list, e.size, e.name), 0, e);
    }
  }

  private unindex(pv: PersistentVolume): void {
    const key = modesKey(pv.spec.accessModes);
    const set = this.sets.get(key);
    if (!set) return;
    set.count--;
    if (pv.spec.claimRef) {
      const ck = claimRefKey(pv);
      const s = this.prebound.get(ck);
      s?.delete(pv.metadata.name!);
      if (s && s.size === 0) this.prebound.delete(ck);
    }
    if (isFree(pv)) {
      const list = set.free.get(volumeClass(pv));
      if (list) {
        const size = sizeOf(pv.spec.capacity?.storage);
        const i = lowerBound(list, size, pv.metadata.name!);
        if (list[i]?.name === pv.metadata.name) list.splice(i, 1);
        if (list.length === 0) set.free.delete(volumeClass(pv));
      }
    }
    if (set.count === 0) this.sets.delete(key);
  }
}
