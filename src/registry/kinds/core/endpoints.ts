// Endpoints (core/v1): defaults, validation of subsets, and the printer (up to three ip:port, then
// " + N more..."). Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_Endpoints),
// pkg/apis/core/validation/validation.go (ValidateEndpoints, validateEndpointSubsets),
// pkg/printers/internalversion/printers.go (printEndpoints, formatEndpoints).
import { isIP } from 'node:net';
import { invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../api/labels.js';
import type { KObject } from '../../../api/object.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { isValidPortNum } from '../../validation/pod/index.js';

interface EndpointAddress { ip?: string; hostname?: string; nodeName?: string; targetRef?: Record<string, unknown> }
interface EndpointPort { name?: string; port?: number; protocol?: string; appProtocol?: string }
interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }
export interface EndpointsObject extends KObject { subsets?: EndpointSubset[] }

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isIP(a.ip ?? '')) errs.push(invalid(`${path}.ip`, a.ip ?? '', 'must be a valid IP address'));
  if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => invalid(`${path}.hostname`, a.hostname!, m)));
  if (a.nodeName) errs.push(...isDNS1123Subdomain(a.nodeName).map((m) => invalid(`${path}.nodeName`, a.nodeName!, m)));
  return errs;
}

function validatePort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`));
  else if (p.name) errs.push(...isDNS1123Label(p.name).map((m) => invalid(`${path}.name`, p.name!, m)));
  for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(`${path}.port`, p.port ?? 0, m));
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  return errs;
}

export function validateEndpointSubsets(subsets: EndpointSubset[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (subsets ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${p}.addresses[${j}]`)));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${p}.notReadyAddresses[${j}]`)));
    (ss.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, (ss.ports ?? []).length > 1, `${p}.ports[${j}]`)));
  });
  return errs;
}

/** net.JoinHostPort: IPv6 addresses in brackets. */
const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: ready addresses only, at most three, then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: EndpointsObject): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) { if (list.length === max) { more = true; break; } list.push(a.ip ?? ''); }
      continue;
    }
    for (const port of ss.ports) {
      count += addrs.length;
      for (const a of addrs) { if (list.length === max) { more = true; break; } list.push(joinHostPort(a.ip ?? '', port.port ?? 0)); }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpoints: KindDef<EndpointsObject> = {
  names: { group: '', version: 'v1', kind: 'Endpoints', listKind: 'EndpointsList', resource: 'endpoints', singular: 'endpoints', shortNames: ['ep'], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.Endpoints',
  hasStatus: false,
  allowCreateOnUpdate: true,
  defaults(obj) {
    for (const ss of obj.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
  },
  validate(obj) {
    return [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateEndpointSubsets(obj.subsets)];
  },
  validateUpdate(obj, old) {
    return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpointSubsets(obj.subsets)];
  },
  printer: {
    columns: [nameColumn(), docColumn('Endpoints', 'io.k8s.api.core.v1.Endpoints', 'subsets'), ageColumn()],
    cells: (obj, now) => [obj.metadata.name, formatEndpoints(obj), age(obj.metadata, now)],
  },
};
