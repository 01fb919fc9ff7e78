// Containers and init containers: names, image, ports, env, mounts, pull policy, resources, probes.
// Upstream: pkg/apis/core/validation/validation.go, validateContainers, validateInitContainers,
// validateContainerCommon, validateContainerPorts, ValidateEnv, ValidateEnvFrom, validateProbe,
// AccumulateUniqueHostPorts, validateContainersOnlyForPod.
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../../../api/field.js';
import { isDNS1123Label, isDNS1123Subdomain, maxLenError, regexError } from '../../../api/labels.js';
import { validateObjectFieldSelector, ENV_FIELD_PATHS } from './fieldrefs.js';
import { validateVolumeDevices, validateVolumeMounts } from './mounts.js';
import { validateResourceRequirements } from './resources.js';
import type { Container, ContainerPort, EnvFromSource, EnvVar, IntOrString, Probe, Volume } from './types.js';

export const PORT_RANGE_ERROR = 'must be between 1 and 65535, inclusive';
export const NEGATIVE_ERROR = 'must be greater than or equal to 0';
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function isValidPortNum(n: number): string[] {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : [PORT_RANGE_ERROR];
}

/** validation.IsValidPortName (IANA_SVC_NAME). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** ValidatePortNumOrName: numbers in range, names as IANA service names. */
export function validatePortNumOrName(port: IntOrString | undefined, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = port ?? 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

export const nonNegative = (v: number | undefined, path: string): FieldError[] =>
  v !== undefined && v < 0 ? [invalid(path, v, NEGATIVE_ERROR)] : [];

function validateContainerPorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const ip = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${ip}.name`, port.name, m));
      else if (names.has(port.name)) errs.push(duplicate(`${ip}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${ip}.containerPort`));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(`${ip}.containerPort`, port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(`${ip}.hostPort`, port.hostPort, m));
    if (!port.protocol) errs.push(required(`${ip}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${ip}.protocol`, port.protocol, PROTOCOLS));
  });
  return errs;
}

// RelaxedEnvironmentVariableValidation is beta and on in 1.32: any printable ASCII but '='.
const RELAXED_ENV_NAME = "a valid environment variable name must consist only of printable ASCII characters other than '='";
function isRelaxedEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (v.length === 0) errs.push('environment variable name must be non-empty');
  if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e || c === '=')) errs.push(RELAXED_ENV_NAME);
  return errs;
}

/** validation.IsConfigMapKey. */
function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!/^[-._a-zA-Z0-9]+$/.test(v)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function validateKeySelector(sel: { name?: string; key?: string }, path: string): FieldError[] {
  const errs = isDNS1123Subdomain(sel.name ?? '').map((m) => invalid(`${path}.name`, sel.name ?? '', m));
  if (!sel.key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(sel.key)) errs.push(invalid(`${path}.key`, sel.key, m));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: string): FieldError[] {
  const vf = ev.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (vf.fieldRef) { n++; errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_FIELD_PATHS, `${path}.fieldRef`)); }
  if (vf.resourceFieldRef) { n++; if (!vf.resourceFieldRef.resource) errs.push(required(`${path}.resourceFieldRef.resource`)); }
  if (vf.configMapKeyRef) { n++; errs.push(...validateKeySelector(vf.configMapKeyRef, `${path}.configMapKeyRef`)); }
  if (vf.secretKeyRef) { n++; errs.push(...validateKeySelector(vf.secretKeyRef, `${path}.secretKeyRef`)); }
  if (n === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (ev.value && n !== 0) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    if (!ev.name) errs.push(required(`${ip}.name`));
    else for (const m of isRelaxedEnvVarName(ev.name)) errs.push(invalid(`${ip}.name`, ev.name, m));
    errs.push(...validateEnvVarValueFrom(ev, `${ip}.valueFrom`));
  });
  return errs;
}

function validateEnvFrom(sources: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((ev, i) => {
    const ip = `${path}[${i}]`;
    if (ev.prefix) for (const m of isRelaxedEnvVarName(ev.prefix)) errs.push(invalid(`${ip}.prefix`, ev.prefix, m));
    let n = 0;
    for (const key of ['configMapRef', 'secretRef'] as const) {
      const ref = ev[key];
      if (!ref) continue;
      n++;
      for (const m of isDNS1123Subdomain(ref.name ?? '')) errs.push(invalid(`${ip}.${key}.name`, ref.name ?? '', m));
    }
    if (n === 0) errs.push(invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validatePullPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

function validateHandler(p: Probe, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const handlers: [keyof Probe, () => FieldError[]][] = [
    ['exec', () => (p.exec!.command?.length ? [] : [required(`${path}.exec.command`)])],
    ['httpGet', () => {
      const h = p.httpGet!;
      const e: FieldError[] = [];
      if (!h.path) e.push(required(`${path}.httpGet.path`));
      e.push(...validatePortNumOrName(h.port, `${path}.httpGet.port`));
      if (h.scheme && !['HTTP', 'HTTPS'].includes(h.scheme)) e.push(notSupported(`${path}.httpGet.scheme`, h.scheme, ['HTTP', 'HTTPS']));
      return e;
    }],
    ['tcpSocket', () => validatePortNumOrName(p.tcpSocket!.port, `${path}.tcpSocket.port`)],
    ['grpc', () => isValidPortNum(p.grpc!.port ?? 0).map((m) => invalid(`${path}.grpc.port`, p.grpc!.port ?? 0, m))],
  ];
  for (const [key, check] of handlers) {
    if (p[key] === undefined) continue;
    if (n > 0) errs.push(forbidden(`${path}.${String(key)}`, 'may not specify more than 1 handler type'));
    else { n++; errs.push(...check()); }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(p: Probe | undefined, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!p) return [];
  const errs = validateHandler(p, path);
  errs.push(...nonNegative(p.initialDelaySeconds, `${path}.initialDelaySeconds`));
  errs.push(...nonNegative(p.timeoutSeconds, `${path}.timeoutSeconds`));
  errs.push(...nonNegative(p.periodSeconds, `${path}.periodSeconds`));
  errs.push(...nonNegative(p.successThreshold, `${path}.successThreshold`));
  errs.push(...nonNegative(p.failureThreshold, `${path}.failureThreshold`));
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) errs.push(invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  if (kind === 'readiness' && p.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** validateContainerCommon: the checks every kind of container gets, in upstream's order. */
function validateContainerCommon(ctr: Container, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ctr.name) errs.push(required(`${path}.name`));
  else for (const m of isDNS1123Label(ctr.name)) errs.push(invalid(`${path}.name`, ctr.name, m));
  if (!ctr.image) errs.push(required(`${path}.image`));
  switch (ctr.terminationMessagePolicy) {
    case 'File': case 'FallbackToLogsOnError': break;
    case '': case undefined: errs.push(required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'")); break;
    default: errs.push(notSupported(`${path}.terminationMessagePolicy`, ctr.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(ctr.ports, `${path}.ports`));
  errs.push(...validateEnv(ctr.env, `${path}.env`));
  errs.push(...validateEnvFrom(ctr.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, ctr.volumeDevices, volumes, ctr, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(ctr.volumeDevices, ctr.volumeMounts, volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(ctr.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(ctr.resources, `${path}.resources`));
  return errs;
}

/** AccumulateUniqueHostPorts: `protocol/hostIP/hostPort` must be unique. */
function checkHostPortConflicts(containers: Container[], path: string, seen = new Set<string>(), indexOffset = 0): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((ctr, ci) => {
    (ctr.ports ?? []).forEach((p, pi) => {
      if (!p.hostPort) return;
      const key = `${p.protocol ?? ''}/${p.hostIP ?? ''}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci + indexOffset}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(containers: Container[] | undefined, volumes: Map<string, Volume>, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, volumes, ip));
    if (names.has(ctr.name ?? '')) errs.push(duplicate(`${ip}.name`, ctr.name ?? ''));
    else names.add(ctr.name ?? '');
    errs.push(...validateProbe(ctr.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(ctr.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(ctr.startupProbe, `${ip}.startupProbe`, 'startup'));
    if (ctr.restartPolicy !== undefined) errs.push(forbidden(`${ip}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

const NOT_FOR_INIT = 'may not be set for init containers without restartPolicy=Always';

export function validateInitContainers(init: Container[] | undefined, regular: Container[] | undefined, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name ?? ''));
  (init ?? []).forEach((ctr, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, volumes, ip));
    let restartAlways = false;
    if (ctr.restartPolicy !== undefined) {
      if (ctr.restartPolicy !== 'Always') errs.push(notSupported(`${ip}.restartPolicy`, ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    if (names.has(ctr.name ?? '')) errs.push(duplicate(`${ip}.name`, ctr.name ?? ''));
    else if (ctr.name) names.add(ctr.name);
    // Init containers run one by one, so host ports are only checked within each.
    errs.push(...checkHostPortConflicts([ctr], path, new Set(), i));
    if (restartAlways) {
      errs.push(...validateProbe(ctr.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(ctr.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(ctr.startupProbe, `${ip}.startupProbe`, 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (ctr[f] !== undefined) errs.push(forbidden(`${ip}.${f}`, NOT_FOR_INIT));
      }
    }
  });
  return errs;
}

// Upstream allowedEphemeralContainerFields: what an ephemeral container may not carry (it is not relied on
// for the pod's own work).
const NOT_FOR_EPHEMERAL = ['ports', 'resources', 'resizePolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'restartPolicy'] as const;

/** validateEphemeralContainers: the common checks, names unique across every container, a target that exists. */
export function validateEphemeralContainers(ephemeral: Container[] | undefined, regular: Container[] | undefined, init: Container[] | undefined, volumes: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(regular ?? []), ...(init ?? [])].map((c) => c.name ?? ''));
  const names = new Set(others);
  (ephemeral ?? []).forEach((ctr, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, volumes, ip));
    if (names.has(ctr.name ?? '')) errs.push(duplicate(`${ip}.name`, ctr.name ?? ''));
    else names.add(ctr.name ?? '');
    const target = (ctr as { targetContainerName?: string }).targetContainerName;
    if (target && !others.has(target)) errs.push(notFound(`${ip}.targetContainerName`, target));
    for (const f of NOT_FOR_EPHEMERAL) {
      const v = (ctr as Record<string, unknown>)[f];
      if (v !== undefined && v !== null && !(f === 'resources' && Object.keys(v as object).length === 0)) errs.push(forbidden(`${ip}.${f}`, 'cannot be set for an Ephemeral Container'));
    }
    (ctr.volumeMounts ?? []).forEach((vm, j) => {
      if (vm.subPath) errs.push(forbidden(`${ip}.volumeMounts[${j}].subPath`, 'cannot be set for an Ephemeral Container'));
      if (vm.subPathExpr) errs.push(forbidden(`${ip}.volumeMounts[${j}].subPathExpr`, 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** validateContainersOnlyForPod: images of a Pod (not a template) may not carry surrounding whitespace. */
export function validateImagesOnlyForPod(containers: Container[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((c, i) => {
    const img = c.image ?? '';
    if (img.trim().length !== img.length) errs.push(invalid(`${path}[${i}].image`, img, 'must not have leading or trailing whitespace'));
  });
  return errs;
}
