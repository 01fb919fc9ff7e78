// Service (core/v1): defaults, strategy (status split; allocated values carried over on update), validation
// with upstream messages, the printer (Cluster-IP, External-IP, Port(s) rules), field selectors.
// ClusterIP/NodePort allocation itself belongs to the API server; this module only keeps clusterIP and
// clusterIPs consistent and validates what was given.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_Service), pkg/registry/core/service/strategy.go,
// pkg/registry/core/service/storage/storage.go (patchAllocatedValues, initIPFamilyFields),
// pkg/apis/core/validation/validation.go (ValidateService, ValidateServiceUpdate, validateServicePort),
// pkg/printers/internalversion/printers.go (printService, getServiceExternalIP, makePortString).
import { formatLabels } from '../../printing/columns.js';
import { isIP } from 'node:net';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, regexError, maxLenError } from '../../../api/labels.js';
import type { KObject } from '../../../api/object.js';
import { age, docColumn, nameColumn, ageColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { goIntOrString, goStringSlice, isValidPortNum, validatePortNumOrName, type IntOrString } from '../../validation/pod/index.js';

interface ServicePort { name?: string; protocol?: string; appProtocol?: string; port?: number; targetPort?: IntOrString; nodePort?: number }
interface ServiceSpec {
  type?: string; ports?: ServicePort[]; selector?: Record<string, string>; clusterIP?: string; clusterIPs?: string[];
  externalIPs?: string[]; externalName?: string; sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: string; internalTrafficPolicy?: string; ipFamilies?: string[]; ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean; healthCheckNodePort?: number; [k: string]: unknown;
}
interface LoadBalancerIngress { ip?: string; hostname?: string }
export interface ServiceObject extends KObject { spec?: ServiceSpec; status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] }; [k: string]: unknown } }

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

const isHeadless = (s: ServiceSpec) => s.clusterIP === 'None';
const externallyAccessible = (s: ServiceSpec) =>
  s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs?.length ?? 0) > 0);
const needsClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName';
const needsNodePort = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';

/** IsDNS1035Label: service names must start with a letter. */
export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", '[a-z]([-a-z0-9]*[a-z0-9])?', 'my-name', 'abc-123'));
  }
  return errs;
}
const nameIsDNS1035Label = (name: string, prefix: boolean) => isDNS1035Label(prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name);

/** SetDefaults_Service, plus the clusterIP/clusterIPs and IP family normalization the REST layer applies. */
export function setServiceDefaults(svc: ServiceObject): void {
  const s = (svc.spec ??= {});
  s.sessionAffinity ||= 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP' && s.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  }
  s.type ||= 'ClusterIP';
  for (const p of s.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(s) && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(s.type)) s.internalTrafficPolicy = 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
  // Upstream: strategy NormalizeClusterIPs — clusterIPs[0] mirrors clusterIP.
  if (s.clusterIP && !s.clusterIPs?.length) s.clusterIPs = [s.clusterIP];
  else if (!s.clusterIP && s.clusterIPs?.length) s.clusterIP = s.clusterIPs[0];
  // Upstream: storage.go initIPFamilyFields on a single-stack IPv4 cluster.
  if (needsClusterIP(s)) {
    if (isHeadless(s) && !s.selector) {
      s.ipFamilyPolicy ??= 'RequireDualStack';
      if (!s.ipFamilies?.length) s.ipFamilies = ['IPv4'];
      if (s.ipFamilies.length < 2 && s.ipFamilyPolicy !== 'SingleStack') s.ipFamilies = [...s.ipFamilies, s.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4'];
    } else {
      s.ipFamilyPolicy ??= 'SingleStack';
      if (!s.ipFamilies?.length) s.ipFamilies = [s.clusterIPs?.[0] && isIP(s.clusterIPs[0]) === 6 ? 'IPv6' : 'IPv4'];
    }
  }
}

/** %#v of the ServicePort key upstream reports for a duplicate (protocol, port). */
const goServicePortKey = (p: ServicePort) =>
  `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port ?? 0}, TargetPort:${goIntOrString(0)}, NodePort:0}`;

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(`${path}.name`));
  else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((m) => invalid(`${path}.name`, sp.name!, m)));
    if (names.has(sp.name)) errs.push(duplicate(`${path}.name`, sp.name));
    else names.add(sp.name);
  }
  for (const m of isValidPortNum(sp.port ?? 0)) errs.push(invalid(`${path}.port`, sp.port ?? 0, m));
  if (!sp.protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(`${path}.protocol`, sp.protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (sp.appProtocol !== undefined) errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalid(`${path}.appProtocol`, sp.appProtocol!, m)));
  return errs;
}

export function validateServiceSpec(s: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const headless = isHeadless(s);
  if (!(s.ports?.length) && !headless && s.type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (s.type) {
    case 'LoadBalancer': case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', s.clusterIPs?.[0] ?? 'None', `may not be set to 'None' for ${s.type} services`));
      break;
    case 'ExternalName': {
      if (s.clusterIPs?.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (s.ipFamilies?.length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (s.ipFamilyPolicy !== undefined) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = (s.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid('spec.externalName', cname, m)));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  (s.ports ?? []).forEach((p, i) => errs.push(...validateServicePort(p, (s.ports ?? []).length > 1, names, `spec.ports[${i}]`)));
  if (s.selector) errs.push(...validateLabels(s.selector, 'spec.selector'));
  if (!s.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(s.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', s.sessionAffinity, ['ClientIP', 'None']));
  if (s.sessionAffinity === 'None' && s.sessionAffinityConfig) errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  if (s.sessionAffinity === 'ClientIP') {
    const t = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined) errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds'));
    else if (t <= 0 || t > 86400) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  }
  (s.clusterIPs ?? []).forEach((ip, i) => {
    if (ip === 'None' && i === 0) return;
    if (!isIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, IP_ERROR));
  });
  if (s.clusterIP && s.clusterIPs?.length && s.clusterIP !== s.clusterIPs[0]) {
    errs.push(invalid('spec.clusterIPs', { raw: goStringSlice(s.clusterIPs) }, 'element [0] must match clusterIP'));
  }
  if (s.ipFamilyPolicy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(s.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', s.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  (s.ipFamilies ?? []).forEach((f, i) => { if (!['IPv4', 'IPv6'].includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6'])); });
  (s.externalIPs ?? []).forEach((ip, i) => { if (!isIP(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, IP_ERROR)); });
  if (!s.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(s.type)) errs.push(notSupported('spec.type', s.type, SERVICE_TYPES));
  if (s.type === 'ClusterIP') {
    (s.ports ?? []).forEach((p, i) => { if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")); });
  }
  const nodePorts = new Set<string>();
  (s.ports ?? []).forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const ports = new Set<string>();
  (s.ports ?? []).forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (ports.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { raw: goServicePortKey(p) }));
    ports.add(key);
  });
  if (s.externalTrafficPolicy && !externallyAccessible(s)) {
    errs.push(invalid('spec.externalTrafficPolicy', s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: an allocated primary clusterIP never changes (ExternalName aside). */
function validateClusterIPsUpdate(next: ServiceSpec, prev: ServiceSpec): FieldError[] {
  if (next.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  if (isHeadless(next) && isHeadless(prev)) return [];
  const o = prev.clusterIPs ?? [];
  const n = next.clusterIPs ?? [];
  const value = { raw: goStringSlice(next.clusterIPs) };
  if (o.length === n.length) return o.flatMap((ip, i) => (ip !== n[i] ? [invalid(`spec.clusterIPs[${i}]`, value, 'may not change once set')] : []));
  if (o.length > n.length && n.length === 0) return [invalid('spec.clusterIPs[0]', value, 'primary clusterIP can not be unset')];
  if (o.length > 0 && n.length > 0 && o[0] !== n[0]) return [invalid('spec.clusterIPs[0]', value, 'may not change once set')];
  return [];
}

function externalIPCell(svc: ServiceObject): string {
  const s = svc.spec ?? {};
  const external = s.externalIPs ?? [];
  switch (s.type) {
    case 'ClusterIP': case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean))].sort();
      if (external.length) return [...lb, ...external].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function portsCell(ports: ServicePort[] | undefined): string {
  const pieces = (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`));
  return pieces.length ? pieces.join(',') : '<none>';
}


const SPEC = 'io.k8s.api.core.v1.ServiceSpec';

export const service: KindDef<ServiceObject> = {
  names: { group: '', version: 'v1', kind: 'Service', listKind: 'ServiceList', resource: 'services', singular: 'service', shortNames: ['svc'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  allowCreateOnUpdate: true,
  subresources: [
    { name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    { name: 'status', kind: 'Service', verbs: ['get', 'patch', 'update'] },
  ],
  defaults: setServiceDefaults,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old) {
    obj.status = structuredClone(old.status ?? { loadBalancer: {} });
    // Upstream: patchAllocatedValues — a PUT that omits allocated values keeps them.
    const s = (obj.spec ??= {});
    const o = old.spec ?? {};
    if (needsClusterIP(o) && needsClusterIP(s)) {
      if (!s.clusterIP && o.clusterIP) s.clusterIP = o.clusterIP;
      if (!s.clusterIPs?.length && o.clusterIPs?.length) s.clusterIPs = [...o.clusterIPs];
    }
    if (needsNodePort(o) && needsNodePort(s)) {
      for (const p of s.ports ?? []) {
        if (p.nodePort) continue;
        const match = (o.ports ?? []).find((q) => q.port === p.port && q.protocol === p.protocol && q.nodePort);
        if (match) p.nodePort = match.nodePort;
      }
    }
    // Upstream: dropTypeDependentFields — values that only made sense for the old type go, unless the user set them anew.
    if (!needsClusterIP(s) && needsClusterIP(o)) {
      for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'] as const) {
        if (JSON.stringify(s[k]) === JSON.stringify(o[k])) delete s[k];
      }
    }
    if (!needsNodePort(s) && needsNodePort(o)) {
      for (const p of s.ports ?? []) if (p.nodePort && (o.ports ?? []).some((q) => q.nodePort === p.nodePort)) delete p.nodePort;
    }
    if (!externallyAccessible(s) && s.externalTrafficPolicy === o.externalTrafficPolicy) delete s.externalTrafficPolicy;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = structuredClone(old.spec);
  },
  validate(obj) {
    return [...validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label }), ...validateServiceSpec(obj.spec ?? {})];
  },
  validateUpdate(obj, old) {
    return [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateClusterIPsUpdate(obj.spec ?? {}, old.spec ?? {}),
      ...validateServiceSpec(obj.spec ?? {}),
    ];
  },
  validateStatusUpdate(obj, old) {
    return validateObjectMetaUpdate(obj.metadata, old.metadata);
  },
  printer: {
    columns: [
      nameColumn(),
      docColumn('Type', SPEC, 'type'),
      docColumn('Cluster-IP', SPEC, 'clusterIP'),
      docColumn('External-IP', SPEC, 'externalIPs'),
      docColumn('Port(s)', SPEC, 'ports'),
      ageColumn(),
      docColumn('Selector', SPEC, 'selector', { priority: 1 }),
    ],
    cells(obj, now) {
      const s = obj.spec ?? {};
      return [obj.metadata.name, s.type ?? '', s.clusterIPs?.[0] ?? '<none>', externalIPCell(obj), portsCell(s.ports), age(obj.metadata, now), formatLabels(s.selector)];
    },
  },
  fieldSelectors: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
};

