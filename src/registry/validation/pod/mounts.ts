// Container volumeMounts and volumeDevices against the pod's (valid) volumes.
// Upstream: pkg/apis/core/validation/validation.go, ValidateVolumeMounts, validateMountPropagation,
// validateMountRecursiveReadOnly, ValidateVolumeDevices.
import { forbidden, invalid, notFound, notSupported, required, type FieldError } from '../../../api/field.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from '../common.js';
import type { Container, Volume, VolumeDevice, VolumeMount } from './types.js';

const PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RRO = ['Disabled', 'Enabled', 'IfPossible'];

function validateMountPropagation(mode: string, container: Container | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!PROPAGATIONS.includes(mode)) errs.push(notSupported(path, mode, PROPAGATIONS));
  if (!container) return errs;
  const privileged = container.securityContext?.privileged === true;
  if (mode === 'Bidirectional' && !privileged) errs.push(forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  return errs;
}

function validateRecursiveReadOnly(m: VolumeMount, path: string): FieldError[] {
  if (m.recursiveReadOnly === undefined) return [];
  switch (m.recursiveReadOnly) {
    case 'Disabled': return [];
    case 'Enabled': case 'IfPossible': {
      const errs: FieldError[] = [];
      if (!m.readOnly) errs.push(forbidden(path, 'may only be specified when readOnly is true'));
      if (m.mountPropagation !== undefined && m.mountPropagation !== 'None') errs.push(forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
      return errs;
    }
    default: return [notSupported(path, m.recursiveReadOnly, RRO)];
  }
}

/** ValidateVolumeMounts. Upstream quirk kept: subPath, subPathExpr, mountPropagation and recursiveReadOnly
 *  errors use the list's path without the mount's index (`volumeMounts.subPath`). */
export function validateVolumeMounts(mounts: VolumeMount[] | undefined, devices: VolumeDevice[] | undefined, volumes: Map<string, Volume>,
  container: Container | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const deviceNames = new Set((devices ?? []).map((d) => d.name ?? ''));
  const devicePaths = new Set((devices ?? []).map((d) => d.devicePath ?? ''));
  (mounts ?? []).forEach((m, i) => {
    const ip = `${path}[${i}]`;
    const name = m.name ?? '';
    const mountPath = m.mountPath ?? '';
    if (!name) errs.push(required(`${ip}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${ip}.name`, name));
    if (!mountPath) errs.push(required(`${ip}.mountPath`));
    if (mountPoints.has(mountPath)) errs.push(invalid(`${ip}.mountPath`, mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (deviceNames.has(name)) errs.push(invalid(`${ip}.name`, name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalid(`${ip}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(`${ip}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (m.mountPropagation !== undefined) errs.push(...validateMountPropagation(m.mountPropagation, container, `${path}.mountPropagation`));
    errs.push(...validateRecursiveReadOnly(m, `${path}.recursiveReadOnly`));
  });
  return errs;
}

/** ValidateVolumeDevices: block devices only from PVC or ephemeral volumes. */
export function validateVolumeDevices(devices: VolumeDevice[] | undefined, mounts: VolumeMount[] | undefined, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountNames = new Set((mounts ?? []).map((m) => m.name ?? ''));
  const mountPaths = new Set((mounts ?? []).map((m) => m.mountPath ?? ''));
  (devices ?? []).forEach((d, i) => {
    const ip = `${path}[${i}]`;
    const name = d.name ?? '';
    const devPath = d.devicePath ?? '';
    const vol = volumes.get(name);
    const isClaim = !!vol && (vol.persistentVolumeClaim !== undefined || vol.ephemeral !== undefined);
    if (!name) errs.push(required(`${ip}.name`));
    if (names.has(name)) errs.push(invalid(`${ip}.name`, name, 'must be unique'));
    if (vol && !isClaim) errs.push(invalid(`${ip}.name`, name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(notFound(`${ip}.name`, name));
    if (!devPath) errs.push(required(`${ip}.devicePath`));
    if (paths.has(devPath)) errs.push(invalid(`${ip}.devicePath`, devPath, 'must be unique'));
    if (devPath && validatePathNoBacksteps(devPath, `${path}.devicePath`).length > 0) {
      errs.push(invalid(`${ip}.devicePath`, devPath, "can not contain backsteps ('..')"));
    } else paths.add(devPath);
    if (mountNames.has(name)) errs.push(invalid(`${ip}.name`, name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devPath)) errs.push(invalid(`${ip}.devicePath`, devPath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}
