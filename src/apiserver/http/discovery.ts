// Discovery documents, built once: aggregated (apidiscovery.k8s.io v2 and v2beta1) and legacy
// (/api, /apis, /api/v1, /apis/<g>/<v>). Upstream: k8s.io/apiserver/pkg/endpoints/discovery (aggregated/).
import type { SubresourceDef } from '../../registry/types.js';
import type { ResourceInfo, ResourceTable } from '../resources.js';
import { SCALABLE } from '../special/scale.js';

interface Sub { name: string; group: string; version: string; kind: string; verbs: string[] }

/** The subresources a resource serves: the KindDef's, plus those upstream's special storage adds. */
export function subresourcesOf(r: ResourceInfo): Sub[] {
  const out = new Map<string, Sub>();
  const add = (name: string, kind: string, verbs: string[], group = r.group, version = r.version) => {
    if (!out.has(name)) out.set(name, { name, group, version, kind, verbs });
  };
  for (const s of r.def.subresources ?? ([] as SubresourceDef[])) add(s.name, s.kind, s.verbs, s.group ?? r.group, s.version ?? r.version);
  if (r.group === '' && r.resource === 'pods') {
    add('attach', 'PodAttachOptions', ['create', 'get']);
    add('binding', 'Binding', ['create']);
    add('eviction', 'Eviction', ['create'], 'policy', 'v1');
    add('exec', 'PodExecOptions', ['create', 'get']);
    add('log', 'Pod', ['get']);
    add('portforward', 'PodPortForwardOptions', ['create', 'get']);
  }
  if (r.group === '' && r.resource === 'nodes') add('proxy', 'NodeProxyOptions', ['create', 'delete', 'get', 'patch', 'update']);
  if (r.group === '' && r.resource === 'namespaces') add('finalize', 'Namespace', ['update']);
  if (SCALABLE.has(`${r.group}/${r.resource}`)) add('scale', 'Scale', ['get', 'patch', 'update'], 'autoscaling', 'v1');
  if (r.def.hasStatus) add('status', r.kind, ['get', 'patch', 'update']);
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function aggregatedResource(r: ResourceInfo): Record<string, unknown> {
  const n = r.def.names;
  const e: Record<string, unknown> = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: n.singular,
    verbs: [...r.verbs].sort(),
  };
  if (n.shortNames?.length) e.shortNames = n.shortNames;
  if (n.categories?.length) e.categories = n.categories;
  const subs = subresourcesOf(r);
  if (subs.length) e.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
  return e;
}

function legacyResources(rs: ResourceInfo[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of rs) {
    const n = r.def.names;
    const e: Record<string, unknown> = { name: r.resource, singularName: n.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs].sort() };
    if (n.shortNames?.length) e.shortNames = n.shortNames;
    if (n.categories?.length) e.categories = n.categories;
    out.push(e);
    for (const s of subresourcesOf(r)) {
      const se: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced };
      if (s.group !== r.group || s.version !== r.version) { se.group = s.group; se.version = s.version; }
      se.kind = s.kind;
      se.verbs = s.verbs;
      out.push(se);
    }
  }
  return out;
}

export interface DiscoveryDocs {
  aggregatedApi: (v: 'v2' | 'v2beta1') => string;
  aggregatedApis: (v: 'v2' | 'v2beta1') => string;
  legacyApi: (serverAddress: string) => string;
  legacyApis: string;
  /** gv ("v1" or "apps/v1") → APIResourceList JSON. */
  resourceLists: Map<string, string>;
  /** group → APIGroup JSON. */
  groups: Map<string, string>;
}

export function buildDiscovery(table: ResourceTable): DiscoveryDocs {
  const groups = table.groups();
  const core = groups.get('') ?? new Map<string, ResourceInfo[]>();
  const named = [...groups.entries()].filter(([g]) => g !== '');

  const aggItem = (name: string, versions: Map<string, ResourceInfo[]>) => ({
    metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
    versions: [...versions.entries()].map(([v, rs]) => ({ version: v, resources: rs.map(aggregatedResource), freshness: 'Current' })),
  });
  const aggList = (v: string, items: unknown[]) => JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items });
  const apiItems = [aggItem('', core)];
  const apisItems = named.map(([g, vs]) => aggItem(g, vs));
  const cache = new Map<string, string>();
  const once = (k: string, f: () => string) => { let s = cache.get(k); if (!s) cache.set(k, (s = f())); return s; };

  const resourceLists = new Map<string, string>();
  const groupDocs = new Map<string, string>();
  const groupEntries: unknown[] = [];
  for (const [g, vs] of named) {
    const versions = [...vs.keys()].map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
    const entry = { name: g, versions, preferredVersion: versions[0] };
    groupEntries.push(entry);
    groupDocs.set(g, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...entry }));
    for (const [v, rs] of vs) resourceLists.set(`${g}/${v}`, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${g}/${v}`, resources: legacyResources(rs) }));
  }
  for (const [v, rs] of core) resourceLists.set(v, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: v, resources: legacyResources(rs) }));
  return {
    aggregatedApi: (v) => once(`api-${v}`, () => aggList(v, apiItems)),
    aggregatedApis: (v) => once(`apis-${v}`, () => aggList(v, apisItems)),
    legacyApi: (addr) => JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: addr }] }),
    legacyApis: JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: groupEntries }),
    resourceLists,
    groups: groupDocs,
  };
}

/** Picks the aggregated discovery version from the Accept header (v2 preferred), or legacy. */
export function negotiateDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  let best: 'v2' | 'v2beta1' | undefined;
  for (const part of accept.split(',')) {
    const p = part.trim();
    if (!p.includes('g=apidiscovery.k8s.io') || !p.includes('as=APIGroupDiscoveryList')) continue;
    if (/;\s*v=v2(;|$)/.test(p)) return 'v2';
    if (/;\s*v=v2beta1(;|$)/.test(p)) best = 'v2beta1';
  }
  return best;
}

export const discoveryContentType = (v: 'v2' | 'v2beta1') => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
