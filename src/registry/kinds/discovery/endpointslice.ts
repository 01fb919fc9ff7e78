// EndpointSlice (discovery.k8s.io/v1): defaults, validation and the printer (Ports and Endpoints cut at three,
// then " + N more...", `<unset>` when empty).
// Upstream: pkg/apis/discovery/v1/defaults.go, pkg/apis/discovery/validation/validation.go
// (ValidateEndpointSlice), pkg/printers/internalversion/printers.go (printEndpointSlice, formatDiscoveryPorts,
// formatDiscoveryEndpoints, listWithMoreString).
import { isIP } from 'node:net';
import { invalid, notSupported, required, tooLong, type FieldError } from '../../../api/field.js';
import { isDNS1123Label } from '../../../api/labels.js';
import type { KObject } from '../../../api/object.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { isValidPortNum } from '../../validation/pod/index.js';

interface EndpointPort { name?: string; port?: number; protocol?: string; appProtocol?: string }
interface Endpoint { addresses?: string[]; conditions?: Record<string, boolean>; hostname?: string; nodeName?: string; [k: string]: unknown }
export interface EndpointSliceObject extends KObject { addressType?: string; endpoints?: Endpoint[]; ports?: EndpointPort[] }

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_PORTS = 20000;

function validateAddress(addr: string, type: string | undefined, path: string): FieldError[] {
  if (type === 'IPv4' && isIP(addr) !== 4) return [invalid(path, addr, 'must be a valid IPv4 address')];
  if (type === 'IPv6' && isIP(addr) !== 6) return [invalid(path, addr, 'must be a valid IPv6 address')];
  return [];
}

export function validateEndpointSlice(obj: EndpointSliceObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!obj.addressType) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(obj.addressType)) errs.push(notSupported('addressType', obj.addressType, ADDRESS_TYPES));
  const eps = obj.endpoints ?? [];
  if (eps.length > MAX_ENDPOINTS) errs.push({ type: 'FieldValueTooMany', field: 'endpoints', detail: `must have at most ${MAX_ENDPOINTS} items` });
  eps.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push({ type: 'FieldValueTooMany', field: `${p}.addresses`, detail: 'must have at most 100 items' });
    addrs.forEach((a, j) => errs.push(...validateAddress(a, obj.addressType, `${p}.addresses[${j}]`)));
    if (ep.hostname) errs.push(...isDNS1123Label(ep.hostname).map((m) => invalid(`${p}.hostname`, ep.hostname!, m)));
  });
  const ports = obj.ports ?? [];
  if (ports.length > MAX_PORTS) errs.push(tooLong('ports', '', MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(`${p}.name`, name, m)));
    if (names.has(name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, badValue: name });
    names.add(name);
    if (port.protocol === undefined) errs.push(required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    if (port.port !== undefined) for (const m of isValidPortNum(port.port)) errs.push(invalid(`${p}.port`, port.port, m));
  });
  return errs;
}

/** listWithMoreString. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

export function formatSlicePorts(ports: EndpointPort[] | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const p of ports ?? []) {
    if (list.length < 3) list.push(p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*');
    else more = true;
    count++;
  }
  return listWithMore(list, more, count, 3);
}

export function formatSliceEndpoints(eps: Endpoint[] | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ep of eps ?? []) {
    for (const a of ep.addresses ?? []) {
      if (list.length < 3) list.push(a);
      else more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, 3);
}

export const endpointSlice: KindDef<EndpointSliceObject> = {
  names: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', listKind: 'EndpointSliceList', resource: 'endpointslices', singular: 'endpointslice', shortNames: [], categories: [], namespaced: true },
  schema: 'io.k8s.api.discovery.v1.EndpointSlice',
  hasStatus: false,
  defaults(obj) {
    // Upstream: SetDefaults_EndpointPort — name "" and protocol TCP.
    for (const p of obj.ports ?? []) { p.name ??= ''; p.protocol ??= 'TCP'; }
  },
  prepareForCreate(obj) { obj.metadata.generation = 1; },
  prepareForUpdate(obj, old) {
    const changed = JSON.stringify([obj.addressType, obj.endpoints, obj.ports]) !== JSON.stringify([old.addressType, old.endpoints, old.ports]);
    obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
  },
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateEndpointSlice(obj)],
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateEndpointSlice(obj),
    ...validateImmutableField(obj.addressType, old.addressType, 'addressType'),
  ],
  printer: {
    columns: [
      nameColumn(),
      docColumn('AddressType', 'io.k8s.api.discovery.v1.EndpointSlice', 'addressType'),
      docColumn('Ports', 'io.k8s.api.discovery.v1.EndpointSlice', 'ports'),
      docColumn('Endpoints', 'io.k8s.api.discovery.v1.EndpointSlice', 'endpoints'),
      ageColumn(),
    ],
    cells: (obj, now) => [obj.metadata.name, obj.addressType ?? '', formatSlicePorts(obj.ports), formatSliceEndpoints(obj.endpoints), age(obj.metadata, now)],
  },
};
