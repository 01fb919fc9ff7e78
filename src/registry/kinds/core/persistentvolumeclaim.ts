// PersistentVolumeClaim (core/v1): defaults, create/update/status strategy, validation with upstream's
// messages (including the bound-claim spec immutability rule), the `kubectl get pvc` printer.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_PersistentVolumeClaim{,Spec}),
// pkg/registry/core/persistentvolumeclaim/strategy.go, pkg/apis/core/validation/validation.go
// (ValidatePersistentVolumeClaimSpec, ValidatePersistentVolumeClaimUpdate, ValidatePersistentVolumeClaimStatusUpdate),
// pkg/printers/internalversion/printers.go (printPersistentVolumeClaim).
import type { KindDef } from '../../types.js';
import type { KObject, ObjectMeta } from '../../../api/object.js';
import { forbidden, invalid, required, type FieldError } from '../../../api/field.js';
import { compareQuantity, formatQuantity, parseQuantity } from '../../../api/quantity.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField, deepEqual, FIELD_IMMUTABLE, toBadValue } from '../../validation/meta.js';
import {
  accessModesString, quantityOf, validateAccessModes, validateClassName, validateEnum, validateLabelSelectorObject,
  validatePositiveQuantity, validateResourceQuantity,
} from '../../validation/common.js';
import { isDNS1123Subdomain, validateNamespaceName } from '../../validation/names.js';
import { structDiff } from '../../validation/diff.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';
import { BETA_STORAGE_CLASS_ANNOTATION, VOLUME_MODES } from './persistentvolume.js';

export interface PersistentVolumeClaim extends KObject {
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

/** helper.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function persistentVolumeClaimClass(pvc: { metadata: ObjectMeta; spec?: { storageClassName?: string | null } }): string {
  return pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pvc.spec?.storageClassName ?? '';
}

function validateDataSource(ds: Record<string, any>, path: string, checkNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!ds.name) errs.push(required(`${path}.name`));
  if (!ds.kind) errs.push(required(`${path}.kind`));
  const apiGroup: string = ds.apiGroup ?? '';
  if (!apiGroup && ds.kind !== 'PersistentVolumeClaim') errs.push(invalid(path, ds.kind ?? '', "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup) for (const msg of isDNS1123Subdomain(apiGroup)) errs.push(invalid(`${path}.apiGroup`, apiGroup, msg));
  if (checkNamespace && ds.namespace) for (const msg of validateNamespaceName(ds.namespace, false)) errs.push(invalid(`${path}.namespace`, ds.namespace, msg));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec (also used for StatefulSet volumeClaimTemplates). */
export function validatePersistentVolumeClaimSpec(spec: Record<string, any> | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (!Array.isArray(s.accessModes) || s.accessModes.length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  if (s.selector) errs.push(...validateLabelSelectorObject(s.selector, `${path}.selector`));
  errs.push(...validateAccessModes(s.accessModes, `${path}.accessModes`).filter((e) => e.type !== 'FieldValueRequired'));
  const storagePath = `${path}.resources[storage]`;
  const storage = s.resources?.requests?.storage;
  if (storage === undefined || storage === null) errs.push(required(storagePath));
  else {
    const pos = validatePositiveQuantity(storage, storagePath);
    errs.push(...(pos.length ? pos : validateResourceQuantity('storage', storage, storagePath)));
  }
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, `${path}.storageClassName`));
  if (s.volumeMode !== undefined && s.volumeMode !== null) errs.push(...validateEnum(s.volumeMode, VOLUME_MODES, `${path}.volumeMode`));
  if (s.dataSource) errs.push(...validateDataSource(s.dataSource, `${path}.dataSource`, false));
  if (s.dataSourceRef) errs.push(...validateDataSource(s.dataSourceRef, `${path}.dataSourceRef`, true));
  if (s.dataSourceRef?.namespace) {
    if (s.dataSource) errs.push(invalid(path, `${path}.dataSource`, 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (s.dataSource && s.dataSourceRef) {
    const same = (s.dataSource.apiGroup ?? null) === (s.dataSourceRef.apiGroup ?? null) && s.dataSource.kind === s.dataSourceRef.kind && s.dataSource.name === s.dataSourceRef.name;
    if (!same) errs.push(invalid(path, `${path}.dataSource`, 'must match dataSourceRef'));
  }
  return errs;
}

function validateClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, { namespaced: true }), ...validatePersistentVolumeClaimSpec(pvc.spec)];
}

const has = (m: Record<string, string> | undefined, k: string) => !!m && Object.prototype.hasOwnProperty.call(m, k);

/** ValidatePersistentVolumeClaimUpdate. */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validateClaim(pvc)];
  const newSpec: Record<string, any> = structuredClone(pvc.spec ?? {});
  const oldSpec: Record<string, any> = structuredClone(old.spec ?? {});
  // The PV controller sets spec.volumeName once.
  if (!oldSpec.volumeName) { if (newSpec.volumeName === undefined) delete oldSpec.volumeName; else oldSpec.volumeName = newSpec.volumeName; }
  const oldAnn = old.metadata.annotations;
  const newAnn = pvc.metadata.annotations;
  const oldScName: string | undefined = old.spec?.storageClassName ?? undefined;
  const newScName: string | undefined = pvc.spec?.storageClassName ?? undefined;
  // Upgrade paths: beta annotation -> spec.storageClassName, and nil -> a class (retroactive default class).
  const fromAnnotation = has(oldAnn, BETA_STORAGE_CLASS_ANNOTATION) && oldScName === undefined && newScName !== undefined
    && newScName === oldAnn![BETA_STORAGE_CLASS_ANNOTATION] && (!has(newAnn, BETA_STORAGE_CLASS_ANNOTATION) || newAnn![BETA_STORAGE_CLASS_ANNOTATION] === oldAnn![BETA_STORAGE_CLASS_ANNOTATION]);
  if (fromAnnotation) {
    delete newSpec.storageClassName;
  } else {
    const n = newAnn?.[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    const o = oldAnn?.[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    if (n !== o) errs.push(invalid(`metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]`, n, FIELD_IMMUTABLE));
    const fromNil = newScName !== undefined && oldScName === undefined && (!has(oldAnn, BETA_STORAGE_CLASS_ANNOTATION) || newScName === oldAnn![BETA_STORAGE_CLASS_ANNOTATION]);
    if (fromNil) delete newSpec.storageClassName;
  }
  // Only a bound claim may change its requested storage.
  if (pvc.status?.phase === 'Bound' && newSpec.resources?.requests) {
    const oldStorage = old.spec?.resources?.requests?.storage;
    if (oldStorage === undefined) delete newSpec.resources.requests.storage; else newSpec.resources.requests.storage = oldStorage;
  }
  if (oldSpec.volumeAttributesClassName === undefined) delete newSpec.volumeAttributesClassName; else newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (!specEqual(newSpec, oldSpec)) {
    errs.push(forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${structDiff('core.PersistentVolumeClaimSpec', oldSpec, newSpec)}`));
  }
  const oldSize = quantityOf(old.spec?.resources?.requests?.storage) ?? parseQuantity('0');
  const newSize = quantityOf(pvc.spec?.resources?.requests?.storage) ?? parseQuantity('0');
  const statusSize = quantityOf(old.status?.capacity?.storage) ?? parseQuantity('0');
  // RecoverVolumeExpansionFailure (beta, on by default in 1.32): shrinking is allowed down to just above status.capacity.
  if (compareQuantity(newSize, oldSize) < 0 && compareQuantity(newSize, statusSize) <= 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  errs.push(...validateImmutableField(pvc.spec?.volumeMode, old.spec?.volumeMode, 'volumeMode'));
  if (!deepEqual(pvc.spec?.volumeAttributesClassName, old.spec?.volumeAttributesClassName)) {
    errs.push(forbidden('spec.volumeAttributesClassName', 'update is forbidden when the VolumeAttributesClass feature gate is disabled'));
  }
  return errs;
}

// Quantities compare by value (1Gi == 1024Mi), everything else structurally.
function specEqual(a: Record<string, any>, b: Record<string, any>): boolean {
  const norm = (s: Record<string, any>) => {
    const c = structuredClone(s);
    for (const kind of ['requests', 'limits']) {
      const list = c.resources?.[kind];
      if (list) for (const k of Object.keys(list)) { const q = quantityOf(list[k]); if (q) list[k] = formatQuantity({ ...q, cached: undefined }); }
    }
    return c;
  };
  return deepEqual(norm(a), norm(b));
}

const RESIZE_STATUSES = ['ControllerResizeFailed', 'ControllerResizeInProgress', 'NodeResizeFailed', 'NodeResizeInProgress', 'NodeResizePending'];

export const persistentVolumeClaim: KindDef<PersistentVolumeClaim> = {
  names: { group: '', version: 'v1', kind: 'PersistentVolumeClaim', listKind: 'PersistentVolumeClaimList', resource: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', shortNames: ['pvc'], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,
  subresources: [{ name: 'status', kind: 'PersistentVolumeClaim', verbs: ['get', 'patch', 'update'] }],

  defaults(pvc) {
    pvc.spec ??= {};
    pvc.status ??= {};
    if (!pvc.status.phase) pvc.status.phase = 'Pending';
    if (pvc.spec.volumeMode === undefined || pvc.spec.volumeMode === null) pvc.spec.volumeMode = 'Filesystem';
  },

  prepareForCreate(pvc) {
    // Upstream wipes status; the read path's defaulting then reports phase Pending.
    pvc.status = { phase: 'Pending' };
  },

  prepareForUpdate(pvc, old) {
    if (old.status === undefined) delete pvc.status; else pvc.status = structuredClone(old.status);
  },

  prepareForStatusUpdate(pvc, old) {
    pvc.spec = structuredClone(old.spec);
  },

  validate: (pvc) => validateClaim(pvc),
  validateUpdate: (pvc, old) => validatePersistentVolumeClaimUpdate(pvc, old),

  validateStatusUpdate(pvc, old) {
    const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
    if (!pvc.metadata.resourceVersion) errs.push(required('resourceVersion'));
    if (!Array.isArray(pvc.spec?.accessModes) || pvc.spec!.accessModes.length === 0) errs.push(required('Spec.accessModes'));
    const capacity = (pvc.status?.capacity ?? {}) as Record<string, unknown>;
    for (const r of Object.keys(capacity).sort()) {
      if (!quantityOf(capacity[r])) errs.push(invalid(`status.capacity[${r}]`, toBadValue(capacity[r]), 'must be a valid resource quantity'));
    }
    const resize = (pvc.status?.allocatedResourceStatuses ?? {}) as Record<string, string>;
    for (const k of Object.keys(resize).sort()) {
      if (!RESIZE_STATUSES.includes(resize[k]!)) errs.push({ type: 'FieldValueNotSupported', field: 'status.allocatedResourceStatus', badValue: k, detail: `supported values: ${RESIZE_STATUSES.map((v) => JSON.stringify(v)).join(', ')}` });
    }
    return errs;
  },

  printer: {
    columns: [
      nameColumn(),
      docColumn('Status', 'io.k8s.api.core.v1.PersistentVolumeClaimStatus', 'phase'),
      docColumn('Volume', 'io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'volumeName'),
      docColumn('Capacity', 'io.k8s.api.core.v1.PersistentVolumeClaimStatus', 'capacity'),
      docColumn('Access Modes', 'io.k8s.api.core.v1.PersistentVolumeClaimStatus', 'accessModes'),
      column('StorageClass', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
      ageColumn(),
      docColumn('VolumeMode', 'io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'volumeMode', { priority: 1 }),
    ],
    cells(pvc, now) {
      const spec = pvc.spec ?? {};
      const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
      let capacity = '';
      let accessModes = '';
      // Capacity and access modes are the bound volume's, shown only once spec.volumeName is set.
      if (spec.volumeName) {
        accessModes = accessModesString(pvc.status?.accessModes);
        const q = quantityOf(pvc.status?.capacity?.storage);
        capacity = q ? formatQuantity(q) : '0';
      }
      return [
        pvc.metadata.name, phase, spec.volumeName ?? '', capacity, accessModes, persistentVolumeClaimClass(pvc),
        spec.volumeAttributesClassName ?? '<unset>', age(pvc.metadata, now), spec.volumeMode ?? '<unset>',
      ];
    },
  },
};
