// StorageClass (storage.k8s.io/v1): defaults, validation with top-level field paths, update rules, printer.
// Upstream: pkg/apis/storage/v1/defaults.go (SetDefaults_StorageClass), pkg/registry/storage/storageclass/strategy.go,
// pkg/apis/storage/validation/validation.go (ValidateStorageClass, ValidateStorageClassUpdate),
// pkg/printers/internalversion/printers.go (printStorageClass).
import type { KindDef } from '../../types.js';
import type { KObject, ObjectMeta } from '../../../api/object.js';
import { duplicate, forbidden, invalid, required, tooLong, type FieldError } from '../../../api/field.js';
import { isQualifiedName } from '../../../api/labels.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField, deepEqual } from '../../validation/meta.js';
import { validateEnum } from '../../validation/common.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface StorageClass extends KObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key?: string; values?: string[] }[] }[];
}

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** storageutil.IsDefaultAnnotation: either annotation exactly "true". */
export function isDefaultStorageClass(meta: ObjectMeta): boolean {
  return meta.annotations?.[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || meta.annotations?.[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

const MAX_PARAMETER_SIZE = 256 * 1024;
const MAX_PARAMETER_LEN = 512;

function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const keys = Object.keys(params ?? {});
  if (keys.length > MAX_PARAMETER_LEN) return [tooLong('parameters', 'Provisioner Parameters exceeded max allowed', MAX_PARAMETER_LEN)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of keys) {
    if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(params![k]));
  }
  if (size > MAX_PARAMETER_SIZE) errs.push(tooLong('parameters', '', MAX_PARAMETER_SIZE));
  return errs;
}

function validateAllowedTopologies(terms: StorageClass['allowedTopologies']): FieldError[] {
  const errs: FieldError[] = [];
  const seen: Record<string, string[]>[] = [];
  (terms ?? []).forEach((term, i) => {
    const exprMap: Record<string, string[]> = {};
    (term.matchLabelExpressions ?? []).forEach((rq, j) => {
      const p = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      const values = rq.values ?? [];
      if (values.length === 0) errs.push(required(`${p}.values`, 'must specify as least one value'));
      const set = new Set<string>();
      values.forEach((v, k) => { if (set.has(v)) errs.push(duplicate(`${p}.values[${k}]`, v)); set.add(v); });
      for (const m of isQualifiedName(rq.key ?? '')) errs.push(invalid(`${p}.key`, rq.key ?? '', m));
      if (rq.key !== undefined && rq.key in exprMap) errs.push(duplicate(`${p}.key`, rq.key));
      exprMap[rq.key ?? ''] = [...set].sort();
    });
    for (const t of seen) if (deepEqual(t, exprMap)) errs.push(duplicate(`allowedTopologies[${i}].matchLabelExpressions`, ''));
    seen.push(exprMap);
  });
  return errs;
}

/** ValidateStorageClass: note the paths have no "spec." prefix. */
export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, { namespaced: false });
  if (!sc.provisioner) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(sc.provisioner.toLowerCase())) errs.push(invalid('provisioner', sc.provisioner.toLowerCase(), m));
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy) errs.push(...validateEnum(sc.reclaimPolicy, ['Delete', 'Retain'], 'reclaimPolicy'));
  if (sc.volumeBindingMode === undefined || sc.volumeBindingMode === null) errs.push(required('volumeBindingMode'));
  else errs.push(...validateEnum(sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'], 'volumeBindingMode'));
  errs.push(...validateAllowedTopologies(sc.allowedTopologies));
  return errs;
}

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  // reflect.DeepEqual: unlike the semantic comparison, an empty map differs from none.
  const a = sc.parameters ?? null;
  const b = old.parameters ?? null;
  if (!((a === null && b === null) || (a !== null && b !== null && deepEqual(a, b)))) {
    errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  }
  if (sc.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageClass: KindDef<StorageClass> = {
  names: { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', listKind: 'StorageClassList', resource: 'storageclasses', singular: 'storageclass', shortNames: ['sc'], categories: [], namespaced: false },
  schema: 'io.k8s.api.storage.v1.StorageClass',
  hasStatus: false,

  defaults(sc) {
    if (!sc.reclaimPolicy) sc.reclaimPolicy = 'Delete';
    if (sc.volumeBindingMode === undefined || sc.volumeBindingMode === null) sc.volumeBindingMode = 'Immediate';
  },

  validate: (sc) => validateStorageClass(sc),
  validateUpdate: (sc, old) => [...validateStorageClass(sc), ...validateStorageClassUpdate(sc, old)],

  printer: {
    columns: [
      nameColumn(),
      docColumn('Provisioner', 'io.k8s.api.storage.v1.StorageClass', 'provisioner'),
      docColumn('ReclaimPolicy', 'io.k8s.api.storage.v1.StorageClass', 'reclaimPolicy'),
      docColumn('VolumeBindingMode', 'io.k8s.api.storage.v1.StorageClass', 'volumeBindingMode'),
      docColumn('AllowVolumeExpansion', 'io.k8s.api.storage.v1.StorageClass', 'allowVolumeExpansion'),
      ageColumn(),
    ],
    cells(sc, now) {
      const name = isDefaultStorageClass(sc.metadata) ? `${sc.metadata.name} (default)` : sc.metadata.name;
      return [name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, age(sc.metadata, now)];
    },
  },
};
