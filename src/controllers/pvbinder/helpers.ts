// Annotations and the small predicates the PV controller, the provisioners and the scheduler share.
// Upstream: staging/src/k8s.io/component-helpers/storage/volume/pv_helpers.go, helpers.go
import { deepCopy } from '../../api/copy.js';
import { compareQuantity, parseQuantity, quantityValue, type Quantity } from '../../api/quantity.js';
import type { KObject } from '../../api/object.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export const hasAnnotation = (o: KObject, key: string): boolean =>
  !!o.metadata.annotations && Object.prototype.hasOwnProperty.call(o.metadata.annotations, key);

/** Upstream: GetPersistentVolumeClaimClass — beta annotation wins, then spec.storageClassName, else "". */
export function claimClass(c: PersistentVolumeClaim): string {
  const beta = c.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return c.spec.storageClassName ?? '';
}
/** True when the claim names no class at all (nil, no beta annotation): only then a default may be assigned. */
export function claimHasNoClass(c: PersistentVolumeClaim): boolean {
  return c.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] === undefined && (c.spec.storageClassName === undefined || c.spec.storageClassName === null);
}
/** Upstream: GetPersistentVolumeClass. */
export function volumeClass(v: PersistentVolume): string {
  const beta = v.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return v.spec.storageClassName ?? '';
}

export const claimKey = (c: { metadata: { namespace?: string; name?: string } }) => `${c.metadata.namespace}/${c.metadata.name}`;
export const claimRefKey = (v: PersistentVolume) => v.spec.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : '';

/** Upstream: IsVolumeBoundToClaim — claimRef names this claim and its UID is empty or equal. */
export function isVolumeBoundToClaim(v: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = v.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== c.metadata.name || ref.namespace !== c.metadata.namespace) return false;
  return !ref.uid || ref.uid === c.metadata.uid;
}

const ZERO = parseQuantity('0');
const quantityCache = new Map<string, Quantity>();
function q(s: string | undefined): Quantity {
  if (s === undefined) return ZERO;
  let v = quantityCache.get(s);
  if (!v) {
    try { v = parseQuantity(s); } catch { v = ZERO; }
    if (quantityCache.size > 10_000) quantityCache.clear();
    quantityCache.set(s, v);
  }
  return v;
}
export const claimRequest = (c: PersistentVolumeClaim): Quantity => q(c.spec.resources?.requests?.storage);
export const volumeCapacity = (v: PersistentVolume): Quantity => q(v.spec.capacity?.storage);
/** Bytes as a JS number, for ordering; exact comparisons use compareQuantity. */
export const sizeOf = (s: string | undefined): number => quantityValue(q(s));
export const isSmaller = (a: Quantity, b: Quantity) => compareQuantity(a, b) < 0;

export const volumeModeOf = (m: string | undefined) => m || 'Filesystem';
/** Upstream: CheckVolumeModeMismatches (nil means Filesystem on both sides). */
export const volumeModeMismatch = (c: PersistentVolumeClaim, v: PersistentVolume) =>
  volumeModeOf(c.spec.volumeMode) !== volumeModeOf(v.spec.volumeMode);

/** Upstream: CheckAccessModes — every requested mode is offered by the volume. */
export function accessModesContained(requested: string[] | undefined, offered: string[] | undefined): boolean {
  const have = new Set(offered ?? []);
  return (requested ?? []).every((m) => have.has(m));
}

/**
 * Upstream: pv_controller.go checkVolumeSatisfyClaim — the checks a user pre-bound claim (spec.volumeName)
 * must pass; label selector and node affinity are deliberately not checked. Returns the reason or undefined.
 */
export function checkVolumeSatisfyClaim(v: PersistentVolume, c: PersistentVolumeClaim): string | undefined {
  if (v.metadata.deletionTimestamp) return `the volume is marked for deletion ${JSON.stringify(v.metadata.name)}`;
  if (isSmaller(volumeCapacity(v), claimRequest(c))) return 'requested PV is too small';
  if (volumeClass(v) !== claimClass(c)) return 'storageClassName does not match';
  if (volumeModeMismatch(c, v)) return 'incompatible volumeMode';
  if (!accessModesContained(c.spec.accessModes, v.spec.accessModes)) return 'incompatible accessMode';
  return undefined;
}

/** Upstream: IsDelayBindingMode. A missing class is not delayed; a class without a mode is an error. */
export function isDelayBindingMode(c: PersistentVolumeClaim, getClass: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(c);
  if (!name) return false;
  const sc = getClass(name);
  if (!sc) return false;
  if (!sc.volumeBindingMode) throw new Error(`VolumeBindingMode not set for StorageClass ${JSON.stringify(name)}`);
  return sc.volumeBindingMode === 'WaitForFirstConsumer';
}
/** Upstream: IsDelayBindingProvisioning — the scheduler has picked a node for the claim. */
export const isDelayBindingProvisioning = (c: PersistentVolumeClaim) => hasAnnotation(c, ANN_SELECTED_NODE);

/** Upstream: pkg/volume/util/storageclass.go GetDefaultClass — newest default wins, then name. */
export function defaultClass(classes: StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter((sc) => sc.metadata.annotations?.[ANN_IS_DEFAULT_CLASS] === 'true' || sc.metadata.annotations?.[ANN_BETA_IS_DEFAULT_CLASS] === 'true');
  defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return defaults[0];
}

/** resourceVersion ordering for the assume caches: numeric where possible (etcd and our stores are). */
export function rvNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length !== b.length ? a.length > b.length : a > b;
  return a !== b;
}

/** Deep copy of a plain API object (JSON round trip: faster than structuredClone for these shapes). */
/** A deep copy with JSON semantics (src/api/copy.ts walks the value once: ~5x faster than a JSON round trip). */
export const clone = <T>(o: T): T => deepCopy(o);
