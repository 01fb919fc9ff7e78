// PersistentVolume (core/v1): defaults, create/update/status strategy, validation with upstream's messages,
// the `kubectl get pv` printer.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_PersistentVolume), pkg/registry/core/persistentvolume/strategy.go,
// pkg/apis/core/validation/validation.go (ValidatePersistentVolumeSpec, ValidatePersistentVolumeUpdate),
// pkg/volume/validation/pv_validation.go (checkMountOption), pkg/printers/internalversion/printers.go (printPersistentVolume).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../../../api/field.js';
import { formatQuantity, parseQuantity } from '../../../api/quantity.js';
import { rfc3339 } from '../../../api/duration.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField, deepEqual } from '../../validation/meta.js';
import {
  accessModesString, quantityOf, resourceListValue, validateAbsolutePath, validateAccessModes, validateClassName, validateEnum,
  validateHostPathVolumeSource, validateNodeSelector, validatePathNoBacksteps, validatePositiveQuantity,
} from '../../validation/common.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { structDiff } from '../../validation/diff.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';

export interface PersistentVolume extends KObject {
  spec?: Record<string, any>;
  status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export const MOUNT_OPTIONS_ANNOTATION = 'volume.beta.kubernetes.io/mount-options';
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
export const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** The volume sources in upstream's check order, with the path the "more than 1" error uses (cephfs is
 *  reported as "cephFS") and whether that check applies at all (flexVolume skips it). */
const SOURCES: { key: string; forbiddenPath?: string; noMultiCheck?: boolean }[] = [
  { key: 'hostPath' }, { key: 'gcePersistentDisk' }, { key: 'awsElasticBlockStore' }, { key: 'glusterfs' }, { key: 'flocker' },
  { key: 'nfs' }, { key: 'rbd' }, { key: 'quobyte' }, { key: 'cephfs', forbiddenPath: 'cephFS' }, { key: 'iscsi' },
  { key: 'cinder' }, { key: 'fc' }, { key: 'flexVolume', noMultiCheck: true }, { key: 'azureFile' }, { key: 'vsphereVolume' },
  { key: 'photonPersistentDisk' }, { key: 'portworxVolume' }, { key: 'azureDisk' }, { key: 'scaleIO' }, { key: 'local' },
  { key: 'storageos' }, { key: 'csi' },
];
export const PV_SOURCE_KEYS = SOURCES.map((s) => s.key);

/** Sources whose plugins take the mount-options annotation. Upstream: pv_validation.go, checkMountOption. */
const MOUNT_OPTION_SOURCES = ['gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'iscsi', 'cinder', 'cephfs', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk'];

/** helper.GetPersistentVolumeClass: the beta annotation wins over spec.storageClassName. */
export function persistentVolumeClass(pv: { metadata: { annotations?: Record<string, string> }; spec?: { storageClassName?: string } }): string {
  return pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pv.spec?.storageClassName ?? '';
}

/** ValidateCSIDriverName (core): required, at most 63 characters, a DNS subdomain (case-insensitive). */
export function validateCSIDriverName(name: string | undefined, path: string): FieldError[] {
  const v = name ?? '';
  const errs: FieldError[] = [];
  if (!v) errs.push(required(path));
  if (v.length > 63) errs.push(tooLong(path, v, 63));
  for (const msg of isDNS1123Subdomain(v.toLowerCase())) errs.push(invalid(path, v, msg));
  return errs;
}

function validateSource(key: string, src: Record<string, any>, path: string): FieldError[] {
  switch (key) {
    case 'hostPath': return validateHostPathVolumeSource(src, path);
    case 'local': return src.path ? validatePathNoBacksteps(src.path, `${path}.path`) : [required(`${path}.path`)];
    case 'nfs': {
      const errs: FieldError[] = [];
      if (!src.server) errs.push(required(`${path}.server`));
      if (!src.path) errs.push(required(`${path}.path`));
      errs.push(...validateAbsolutePath(src.path ?? '', `${path}.path`));
      return errs;
    }
    case 'csi': {
      const errs = validateCSIDriverName(src.driver, `${path}.driver`);
      if (!src.volumeHandle) errs.push(required(`${path}.volumeHandle`));
      return errs;
    }
    default: return [];
  }
}

/** ValidatePersistentVolumeSpec (non-inline). */
export function validatePersistentVolumeSpec(spec: Record<string, any> | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(s.accessModes, `${path}.accessModes`));
  const capacity = s.capacity as Record<string, unknown> | undefined;
  if (!capacity || Object.keys(capacity).length === 0) errs.push(required(`${path}.capacity`));
  if (!capacity || !('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(notSupported(`${path}.capacity`, resourceListValue(capacity), ['storage']));
  for (const r of Object.keys(capacity ?? {}).sort()) errs.push(...validatePositiveQuantity(capacity![r], `${path}.capacity[${r}]`));
  if (s.persistentVolumeReclaimPolicy) errs.push(...validateEnum(s.persistentVolumeReclaimPolicy, RECLAIM_POLICIES, `${path}.persistentVolumeReclaimPolicy`));
  let nodeAffinitySpecified = false;
  if (s.nodeAffinity) {
    nodeAffinitySpecified = true;
    if (s.nodeAffinity.required) errs.push(...validateNodeSelector(s.nodeAffinity.required, `${path}.nodeAffinity.required`));
    else errs.push(required(`${path}.nodeAffinity.required`, 'must specify required node constraints'));
  }
  let numVolumes = 0;
  for (const src of SOURCES) {
    const v = s[src.key];
    if (v === undefined || v === null) continue;
    if (numVolumes > 0 && !src.noMultiCheck) {
      errs.push(forbidden(`${path}.${src.forbiddenPath ?? src.key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    numVolumes++;
    errs.push(...validateSource(src.key, v, `${path}.${src.key}`));
    if (src.key === 'local' && !nodeAffinitySpecified) errs.push(required(`${path}.nodeAffinity`, 'Local volume requires node affinity'));
  }
  if (numVolumes === 0) errs.push(required(path, 'must specify a volume type'));
  if (s.hostPath && s.persistentVolumeReclaimPolicy === 'Recycle' && normalizePath(s.hostPath.path ?? '') === '/') {
    errs.push(forbidden(`${path}.persistentVolumeReclaimPolicy`, "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, `${path}.storageClassName`));
  if (s.volumeMode !== undefined && s.volumeMode !== null) errs.push(...validateEnum(s.volumeMode, VOLUME_MODES, `${path}.volumeMode`));
  return errs;
}

// path.Clean for the only question asked of it here: is it the root?
const normalizePath = (p: string) => (p.split('/').filter((x) => x && x !== '.').length === 0 && p.startsWith('/') ? '/' : p);

function checkMountOption(pv: PersistentVolume): FieldError[] {
  const spec = pv.spec ?? {};
  if (MOUNT_OPTION_SOURCES.some((k) => spec[k] !== undefined && spec[k] !== null)) return [];
  if (pv.metadata.annotations && MOUNT_OPTIONS_ANNOTATION in pv.metadata.annotations) {
    return [forbidden(`metadata.annotations.${MOUNT_OPTIONS_ANNOTATION}`, 'may not specify mount options for this volume type')];
  }
  return [];
}

const sourceOf = (spec: Record<string, any> | undefined) => Object.fromEntries(PV_SOURCE_KEYS.filter((k) => spec?.[k] !== undefined).map((k) => [k, spec![k]]));

export const persistentVolume: KindDef<PersistentVolume> = {
  names: { group: '', version: 'v1', kind: 'PersistentVolume', listKind: 'PersistentVolumeList', resource: 'persistentvolumes', singular: 'persistentvolume', shortNames: ['pv'], categories: [], namespaced: false },
  schema: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,
  subresources: [{ name: 'status', kind: 'PersistentVolume', verbs: ['get', 'patch', 'update'] }],

  defaults(pv) {
    pv.spec ??= {};
    pv.status ??= {};
    if (!pv.status.phase) pv.status.phase = 'Pending';
    if (!pv.spec.persistentVolumeReclaimPolicy) pv.spec.persistentVolumeReclaimPolicy = 'Retain';
    if (pv.spec.volumeMode === undefined || pv.spec.volumeMode === null) pv.spec.volumeMode = 'Filesystem';
    // SetDefaults_HostPathVolumeSource: an unset type becomes "" (HostPathUnset).
    if (pv.spec.hostPath && (pv.spec.hostPath.type === undefined || pv.spec.hostPath.type === null)) pv.spec.hostPath.type = '';
  },

  prepareForCreate(pv, ctx) {
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339(ctx.now) };
  },

  prepareForUpdate(pv, old) {
    if (old.status === undefined) delete pv.status; else pv.status = structuredClone(old.status);
  },

  prepareForStatusUpdate(pv, old, ctx) {
    pv.spec = structuredClone(old.spec);
    const st = (pv.status ??= {});
    const oldSt = old.status ?? {};
    if (oldSt.phase === st.phase && !st.lastPhaseTransitionTime) {
      if (oldSt.lastPhaseTransitionTime) st.lastPhaseTransitionTime = oldSt.lastPhaseTransitionTime;
    } else if (oldSt.phase !== st.phase && (!st.lastPhaseTransitionTime || st.lastPhaseTransitionTime === oldSt.lastPhaseTransitionTime)) {
      st.lastPhaseTransitionTime = rfc3339(ctx.now);
    }
  },

  validate(pv) {
    return [
      ...validateObjectMeta(pv.metadata, { namespaced: false }),
      ...validatePersistentVolumeSpec(pv.spec),
      ...checkMountOption(pv),
    ];
  },

  validateUpdate(pv, old) {
    const errs = [...validateObjectMeta(pv.metadata, { namespaced: false }), ...validatePersistentVolumeSpec(pv.spec)];
    const newSrc = sourceOf(pv.spec);
    const oldSrc = sourceOf(old.spec);
    // A CSI controllerExpandSecretRef may be added later.
    if (oldSrc.csi && !oldSrc.csi.controllerExpandSecretRef && newSrc.csi?.controllerExpandSecretRef) {
      newSrc.csi = { ...newSrc.csi };
      delete newSrc.csi.controllerExpandSecretRef;
    }
    if (!deepEqual(newSrc, oldSrc)) {
      errs.push(forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${structDiff('core.PersistentVolumeSource', oldSrc, newSrc)}`));
    }
    errs.push(...validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, 'volumeMode'));
    // Node affinity may be set once; after that upstream only allows changes that keep it equivalent.
    if (old.spec?.nodeAffinity) errs.push(...validateImmutableField(pv.spec?.nodeAffinity, old.spec.nodeAffinity, 'nodeAffinity'));
    if (!deepEqual(pv.spec?.volumeAttributesClassName, old.spec?.volumeAttributesClassName)) {
      errs.push(forbidden('spec.volumeAttributesClassName', 'update is forbidden when the VolumeAttributesClass feature gate is disabled'));
    }
    errs.push(...checkMountOption(pv));
    return errs;
  },

  validateStatusUpdate(pv, old) {
    const errs = validateObjectMetaUpdate(pv.metadata, old.metadata);
    if (!pv.metadata.resourceVersion) errs.push(required('resourceVersion'));
    return errs;
  },

  printer: {
    columns: [
      nameColumn(),
      docColumn('Capacity', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'capacity'),
      docColumn('Access Modes', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'accessModes'),
      docColumn('Reclaim Policy', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'persistentVolumeReclaimPolicy'),
      docColumn('Status', 'io.k8s.api.core.v1.PersistentVolumeStatus', 'phase'),
      docColumn('Claim', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'claimRef'),
      column('StorageClass', 'StorageClass of the pv'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
      docColumn('Reason', 'io.k8s.api.core.v1.PersistentVolumeStatus', 'reason'),
      ageColumn(),
      docColumn('VolumeMode', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'volumeMode', { priority: 1 }),
    ],
    cells(pv, now) {
      const spec = pv.spec ?? {};
      const claimRef = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      const storage = spec.capacity?.storage;
      const size = quantityOf(storage) ? formatQuantity(parseQuantity(storage)) : '0';
      const phase = pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
      return [
        pv.metadata.name, size, accessModesString(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '', phase, claimRef,
        persistentVolumeClass(pv), spec.volumeAttributesClassName ?? '<unset>', pv.status?.reason ?? '', age(pv.metadata, now),
        spec.volumeMode ?? '<unset>',
      ];
    },
  },
};
