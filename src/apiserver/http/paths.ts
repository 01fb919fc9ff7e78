// URL → request info, as upstream's RequestInfoFactory parses API paths.
// Upstream: k8s.io/apiserver/pkg/endpoints/request/requestinfo.go
import type { ResourceInfo, ResourceTable } from '../resources.js';

export interface ResourceRequest {
  r: ResourceInfo;
  namespace?: string;
  name?: string;
  sub?: string;
  /** The path after the subresource (node and pod proxy). */
  rest?: string;
  /** The legacy /watch/ prefix was used. */
  watchPath: boolean;
}

export type PathInfo =
  | { type: 'resource'; req: ResourceRequest }
  | { type: 'unknownResource'; group: string; version: string; resource: string }
  | { type: 'other' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseResourcePath(path: string, table: ResourceTable): PathInfo {
  const parts = path.split('/').slice(1);
  let group: string, version: string, i: number;
  if (parts[0] === 'api') {
    if (parts.length < 3 || parts[1] !== 'v1') return { type: 'other' };
    group = ''; version = 'v1'; i = 2;
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return { type: 'other' };
    group = parts[1]!; version = parts[2]!; i = 3;
  } else return { type: 'other' };
  let cur = parts.slice(i).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  let watchPath = false;
  if (cur[0] === 'watch') { watchPath = true; cur = cur.slice(1); }
  let namespace: string | undefined;
  if (cur[0] === 'namespaces' && cur.length > 1) {
    namespace = cur[1];
    if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
  }
  const resource = cur[0];
  if (!resource) return { type: 'other' };
  const r = table.lookup(group, version, resource);
  if (!r) return { type: 'unknownResource', group, version, resource };
  const name = cur[1];
  const sub = cur[2];
  const rest = cur.length > 3 ? cur.slice(3).join('/') : undefined;
  if (!r.namespaced) namespace = undefined;
  return { type: 'resource', req: { r, namespace, name: name === '' ? undefined : name, sub, rest, watchPath } };
}
