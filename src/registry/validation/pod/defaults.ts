// Pod spec defaulting exactly as the v1 defaulters: SetDefaults_PodSpec and friends for every pod spec
// (Pods and templates), and SetDefaults_Pod's extras for Pods only.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container,
// SetDefaults_Volume, SetDefaults_SecretVolumeSource, ..., SetDefaults_Probe, SetDefaults_HTTPGetAction,
// SetDefaults_ObjectFieldSelector), pkg/apis/core/v1/conversion.go (serviceAccount mirror).
import { canonicalQuantity } from '../../../api/quantity.js';
import type { Container, DownwardAPIVolumeFile, EnvVar, PodSpec, Probe, ResourceList, Volume } from './types.js';
import { VOLUME_SOURCE_KEYS } from './volumes.js';

const DEFAULT_MODE = 0o644; // 420

/** parsers.ParseImageName's tag: "latest" when the reference has neither tag nor digest. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  if (tag) return tag;
  return at >= 0 ? '' : 'latest';
}

function canonicalList(list: ResourceList | undefined): void {
  if (!list) return;
  for (const k of Object.keys(list)) {
    try { list[k] = canonicalQuantity(list[k]!); } catch { /* malformed: the decoder's 400, left as sent */ }
  }
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) { p.httpGet.path ||= '/'; p.httpGet.scheme ||= 'HTTP'; }
}

function defaultFieldRefs(env: EnvVar[] | undefined): void {
  for (const e of env ?? []) if (e.valueFrom?.fieldRef && !e.valueFrom.fieldRef.apiVersion) e.valueFrom.fieldRef.apiVersion = 'v1';
}

function defaultDownwardItems(items: DownwardAPIVolumeFile[] | undefined): void {
  for (const i of items ?? []) if (i.fieldRef && !i.fieldRef.apiVersion) i.fieldRef.apiVersion = 'v1';
}

export function setContainerDefaults(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  // resources is a non-pointer struct upstream: it always serializes, as {} when empty.
  c.resources ??= {};
  canonicalList(c.resources.limits);
  canonicalList(c.resources.requests);
  for (const p of c.ports ?? []) p.protocol ||= 'TCP';
  defaultFieldRefs(c.env);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function setVolumeDefaults(v: Volume): void {
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) {
    try { v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit); } catch { /* decoder's job */ }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.secret) v.secret.defaultMode ??= DEFAULT_MODE;
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_MODE;
  if (v.downwardAPI) { v.downwardAPI.defaultMode ??= DEFAULT_MODE; defaultDownwardItems(v.downwardAPI.items); }
  if (v.projected) {
    v.projected.defaultMode ??= DEFAULT_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      defaultDownwardItems(s.downwardAPI?.items);
    }
  }
  const claimSpec = v.ephemeral?.volumeClaimTemplate?.spec;
  if (claimSpec && claimSpec.volumeMode === undefined) claimSpec.volumeMode = 'Filesystem';
}

/** SetDefaults_PodSpec and the nested defaulters: applied to Pods and pod templates alike. */
export function setPodSpecDefaults(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const c of spec.containers ?? []) setContainerDefaults(c);
  for (const c of spec.initContainers ?? []) setContainerDefaults(c);
  for (const c of spec.ephemeralContainers ?? []) setContainerDefaults(c);
  for (const v of spec.volumes ?? []) setVolumeDefaults(v);
  // v1 conversion keeps the deprecated serviceAccount field in step with serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

function hostNetworkPorts(containers: Container[] | undefined): void {
  for (const c of containers ?? []) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
}

/** SetDefaults_Pod: only for Pods, never templates (requests from limits, service links, host ports). */
export function setPodOnlyDefaults(spec: PodSpec): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources!.requests ??= {};
    for (const [k, v] of Object.entries(limits)) if (c.resources!.requests[k] === undefined) c.resources!.requests[k] = v;
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) { hostNetworkPorts(spec.containers); hostNetworkPorts(spec.initContainers); }
}
