// Pod volumes: names, exactly one source, and the per-source rules, with upstream's paths and messages.
// Upstream: pkg/apis/core/validation/validation.go, ValidateVolumes, validateVolumeSource and the
// validate<Source>VolumeSource helpers.
import { forbidden, invalid, required, type FieldError } from '../../../api/field.js';
import { compareQuantity } from '../../../api/quantity.js';
import { isDNS1123Label } from '../../../api/labels.js';
import {
  quantityOf, validateAbsolutePath, validateHostPathVolumeSource, validateLocalDescendingPath, validateLocalNonReservedPath,
} from '../common.js';
import { validateObjectFieldSelector, VOLUME_FIELD_PATHS } from './fieldrefs.js';
import type { DownwardAPIVolumeFile, KeyToPath, Volume, VolumeSource } from './types.js';

export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** The order upstream checks sources in, and the path segment its "more than 1" error uses for each
 *  (two upstream typos kept: `cephFS` and `downwarAPI`). */
const SOURCES: [key: string, forbiddenPath: string][] = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'], ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'],
  ['cinder', 'cinder'], ['cephfs', 'cephFS'], ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'],
  ['flexVolume', 'flexVolume'], ['configMap', 'configMap'], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'], ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'], ['projected', 'projected'], ['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'],
];
export const VOLUME_SOURCE_KEYS = SOURCES.map(([k]) => k);

const fileMode = (mode: number | undefined, path: string): FieldError[] =>
  mode !== undefined && mode !== null && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];

export function validateKeyToPath(kp: KeyToPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(`${path}.key`));
  if (!kp.path) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', `${path}.path`));
  errs.push(...fileMode(kp.mode, `${path}.mode`));
  return errs;
}

// Upstream quirk: the item index is not part of the path (fldPath is the downwardAPI source itself).
function validateDownwardAPIVolumeFile(file: DownwardAPIVolumeFile, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(file.path ?? '', `${path}.path`));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (file.resourceFieldRef) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (file.resourceFieldRef) {
    if (!file.resourceFieldRef.resource) errs.push(required(`${path}.resourceFieldRef.resource`));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...fileMode(file.mode, `${path}.mode`));
  return errs;
}

function validateProjected(src: NonNullable<VolumeSource['projected']>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  const addPath = (p: string | undefined, owner: string) => {
    if (!p) return;
    if (allPaths.has(p)) errs.push(invalid(path, owner, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  (src.sources ?? []).forEach((s, i) => {
    const sp = `${path}.sources[${i}]`;
    let n = 0;
    if (s.secret) {
      n++;
      if (!s.secret.name) errs.push(required(`${sp}.secret.name`));
      (s.secret.items ?? []).forEach((kp, j) => { errs.push(...validateKeyToPath(kp, `${sp}.secret.items[${j}]`)); addPath(kp.path, s.secret!.name ?? ''); });
    }
    if (s.configMap) {
      n++;
      if (!s.configMap.name) errs.push(required(`${sp}.configMap.name`));
      (s.configMap.items ?? []).forEach((kp, j) => { errs.push(...validateKeyToPath(kp, `${sp}.configMap.items[${j}]`)); addPath(kp.path, s.configMap!.name ?? ''); });
    }
    if (s.downwardAPI) {
      n++;
      for (const f of s.downwardAPI.items ?? []) { errs.push(...validateDownwardAPIVolumeFile(f, `${sp}.downwardAPI`)); addPath(f.path, ''); }
    }
    if (s.serviceAccountToken) {
      n++;
      const tp = `${sp}.serviceAccountToken`;
      const secs = s.serviceAccountToken.expirationSeconds;
      if (secs !== undefined && secs < 600) errs.push(invalid(`${tp}.expirationSeconds`, secs, 'may not specify a duration less than 10 minutes'));
      if (secs !== undefined && secs > 2 ** 32) errs.push(invalid(`${tp}.expirationSeconds`, secs, 'may not specify a duration larger than 2^32 seconds'));
      if (!s.serviceAccountToken.path) errs.push(required(`${tp}.path`));
      addPath(s.serviceAccountToken.path, '');
    }
    if (s.clusterTrustBundle) n++;
    if (n > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** The per-source checks for the one source that counts. */
function validateSource(key: string, src: VolumeSource, path: string): FieldError[] {
  const p = `${path}.${key}`;
  switch (key) {
    case 'emptyDir': {
      const limit = src.emptyDir!.sizeLimit;
      const q = limit === undefined ? undefined : quantityOf(limit);
      return q && compareQuantity(q, { unscaled: 0n, scale: 0, format: 'DecimalSI' }) < 0
        ? [forbidden(`${p}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')] : [];
    }
    case 'hostPath': return validateHostPathVolumeSource(src.hostPath!, p);
    case 'gitRepo': {
      const errs: FieldError[] = [];
      if (!src.gitRepo!.repository) errs.push(required(`${p}.repository`));
      errs.push(...validateLocalDescendingPath(src.gitRepo!.directory ?? '', `${p}.directory`));
      return errs;
    }
    case 'secret': {
      const s = src.secret!;
      const errs: FieldError[] = [];
      if (!s.secretName) errs.push(required(`${p}.secretName`));
      errs.push(...fileMode(s.defaultMode, `${p}.defaultMode`));
      (s.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${p}.items[${i}]`)));
      return errs;
    }
    case 'configMap': {
      const s = src.configMap!;
      const errs: FieldError[] = [];
      if (!s.name) errs.push(required(`${p}.name`));
      errs.push(...fileMode(s.defaultMode, `${p}.defaultMode`));
      (s.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${p}.items[${i}]`)));
      return errs;
    }
    case 'nfs': {
      const s = src.nfs!;
      const errs: FieldError[] = [];
      if (!s.server) errs.push(required(`${p}.server`));
      if (!s.path) errs.push(required(`${p}.path`));
      else errs.push(...validateAbsolutePath(s.path, `${p}.path`));
      return errs;
    }
    case 'persistentVolumeClaim':
      return src.persistentVolumeClaim!.claimName ? [] : [required(`${p}.claimName`)];
    case 'downwardAPI': {
      const s = src.downwardAPI!;
      const errs = fileMode(s.defaultMode, `${p}.defaultMode`);
      for (const f of s.items ?? []) errs.push(...validateDownwardAPIVolumeFile(f, p));
      return errs;
    }
    case 'projected': {
      const s = src.projected!;
      return [...validateProjected(s, p), ...fileMode(s.defaultMode, `${p}.defaultMode`)];
    }
    case 'csi':
      return src.csi!.driver ? [] : [required(`${p}.driver`)];
    case 'ephemeral':
      return src.ephemeral!.volumeClaimTemplate ? [] : [required(`${p}.volumeClaimTemplate`)];
    default:
      return [];
  }
}

/** validateVolumeSource: exactly one source; a later one is `Forbidden: may not specify more than 1 volume type`. */
export function validateVolumeSource(src: VolumeSource, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [key, forbiddenPath] of SOURCES) {
    if (src[key] === undefined || src[key] === null) continue;
    if (n > 0) errs.push(forbidden(`${path}.${forbiddenPath}`, 'may not specify more than 1 volume type'));
    else { n++; errs.push(...validateSource(key, src, path)); }
  }
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: returns the volumes that passed (mounts may only reference those) and the errors.
 *  Source errors come before name errors, as upstream collects them. */
export function validateVolumes(volumes: Volume[] | undefined, path: string, podName?: string): { valid: Map<string, Volume>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const valid = new Map<string, Volume>();
  const names = new Set<string>();
  const ephemeralClaims = new Set<string>();
  if (podName) for (const v of volumes ?? []) if (v.ephemeral) ephemeralClaims.add(`${podName}-${v.name}`);
  (volumes ?? []).forEach((vol, i) => {
    const ip = `${path}[${i}]`;
    const el = validateVolumeSource(vol, ip);
    const name = vol.name ?? '';
    if (!name) el.push(required(`${ip}.name`));
    else for (const msg of isDNS1123Label(name)) el.push(invalid(`${ip}.name`, name, msg));
    if (names.has(name)) el.push({ type: 'FieldValueDuplicate', field: `${ip}.name`, badValue: name });
    if (el.length === 0) { names.add(name); valid.set(name, vol); } else errs.push(...el);
    const claim = vol.persistentVolumeClaim?.claimName;
    if (claim && ephemeralClaims.has(claim)) {
      errs.push(invalid(`${ip}.persistentVolumeClaim.claimName`, claim, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { valid, errs };
}
