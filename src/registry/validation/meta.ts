// ObjectMeta validation on create and update, with upstream's paths and messages.
// Upstream: k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor,
// ValidateObjectMetaAccessorUpdate, ValidateAnnotations, ValidateOwnerReferences, ValidateFinalizers),
// pkg/apis/meta/v1/validation/validation.go (ValidateLabels).
import { forbidden, invalid, required, tooLong, type BadValue, type FieldError } from '../../api/field.js';
import type { ObjectMeta, OwnerReference } from '../../api/object.js';
import { isQualifiedName, isValidLabelValue } from '../../api/labels.js';
import { nameIsDNSSubdomain, validateNamespaceName, type NameValidator } from './names.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** Default: NameIsDNSSubdomain. */
  nameValidator?: NameValidator;
}

const sortedKeys = (m: Record<string, unknown> | undefined) => Object.keys(m ?? {}).sort();

/** ValidateLabels: every key a qualified name, every value a label value; errors carry the map's path. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of sortedKeys(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    const v = labels![k]!;
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of sortedKeys(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(annotations![k]));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

// Kinds that may never own other objects. Upstream: objectmeta.go, BannedOwners.
const bannedOwners = new Set(['/v1, Kind=Event', 'events.k8s.io/v1, Kind=Event']);

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const parts = apiVersion.split('/');
  // schema.ParseGroupVersion: "v1" -> core, "g/v" -> group, anything else unparsable (no version).
  const version = parts.length === 1 ? parts[0]! : parts.length === 2 ? parts[1]! : '';
  const group = parts.length === 2 ? parts[0]! : '';
  if (!version) errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
  const gvk = `${group}/${version}, Kind=${ref.kind}`;
  if (bannedOwners.has(gvk)) errs.push(invalid(path, { raw: JSON.stringify(ref) }, `${gvk} is disallowed from being an owner`));
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, firstController, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else firstController = cur;
    }
  }
  return errs;
}

/** Go's %#v of a []string. */
export const goSlice = (v: string[]) => `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
const goStringSlice = (v: string[]): BadValue => ({ raw: goSlice(v) });

export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** ValidateObjectMeta on create. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const nameFn = opts.nameValidator ?? nameIsDNSSubdomain;
  const errs: FieldError[] = [];
  if (m.generateName) for (const msg of nameFn(m.generateName, true)) errs.push(invalid(`${path}.generateName`, m.generateName, msg));
  if (!m.name) errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameFn(m.name, false)) errs.push(invalid(`${path}.name`, m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(`${path}.namespace`));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.push(invalid(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) errs.push(invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

/** ValidateImmutableField: `<path>: Invalid value: <new>: field is immutable` when the values differ. */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  if (deepEqual(newVal, oldVal)) return [];
  return [invalid(path, toBadValue(newVal), FIELD_IMMUTABLE)];
}

/** A value as Go's field error would print it: strings quoted, numbers/bools plain, nil as null. */
export function toBadValue(v: unknown): BadValue {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return { raw: JSON.stringify(v) };
}

const isNil = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** apiequality.Semantic.DeepEqual for JSON values: null and absent are both Go's nil, and (as in apimachinery's
 *  forked reflect) an empty list equals a nil one. Empty objects stay distinct from nil (pointers to structs). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNil(a) && isNil(b)) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

export interface ObjectMetaUpdateOptions {
  /** Upstream rejects updates without metadata.resourceVersion; the store may fill it in for unconditional updates first. */
  requireResourceVersion?: boolean;
}

/** ValidateObjectMetaUpdate: identity fields are immutable; labels, annotations, owners, finalizers re-validated. */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path = 'metadata', opts: ObjectMetaUpdateOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) {
    const old = new Set(oldMeta.finalizers ?? []);
    const extra = [...new Set((newMeta.finalizers ?? []).filter((f) => !old.has(f)))].sort();
    if (extra.length) errs.push(forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goSlice(extra)}`));
  }
  if (opts.requireResourceVersion && !newMeta.resourceVersion) errs.push(invalid(`${path}.resourceVersion`, newMeta.resourceVersion ?? '', 'must be specified for an update'));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) errs.push(invalid(`${path}.generation`, newMeta.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutableField(newMeta.name ?? '', oldMeta.name ?? '', `${path}.name`));
  errs.push(...validateImmutableField(newMeta.namespace ?? '', oldMeta.namespace ?? '', `${path}.namespace`));
  errs.push(...validateImmutableField(newMeta.uid ?? '', oldMeta.uid ?? '', `${path}.uid`));
  errs.push(...validateImmutableField(newMeta.creationTimestamp, oldMeta.creationTimestamp, `${path}.creationTimestamp`));
  errs.push(...validateImmutableField(newMeta.deletionTimestamp, oldMeta.deletionTimestamp, `${path}.deletionTimestamp`));
  errs.push(...validateImmutableField(newMeta.deletionGracePeriodSeconds, oldMeta.deletionGracePeriodSeconds, `${path}.deletionGracePeriodSeconds`));
  errs.push(...validateFinalizers(newMeta.finalizers, `${path}.finalizers`));
  errs.push(...validateLabels(newMeta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(newMeta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, `${path}.ownerReferences`));
  return errs;
}
