// The table of served resources, built once from the registry's KindDefs: how a URL's (group, version,
// resource) maps to a kind, its storage prefix and its hooks. The store and HTTP layer read only this.
import type { KindDef } from '../registry/types.js';
import type { GVK, GVR } from '../api/gvr.js';
import { apiVersionOf } from '../api/gvr.js';

export interface ResourceInfo {
  def: KindDef;
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  apiVersion: string;
  gvk: GVK;
  /** Datastore key prefix of the collection, ending in '/': /registry/<group or core>/<resource>/ */
  prefix: string;
  verbs: string[];
  /** Review kinds (SelfSubjectAccessReview, ...) are create-only and never stored. */
  virtual: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export class ResourceTable {
  readonly all: ResourceInfo[] = [];
  private byGVR = new Map<string, ResourceInfo>();
  private byPrefix = new Map<string, ResourceInfo>();

  constructor(kinds: KindDef[]) {
    for (const def of kinds) {
      const n = def.names;
      const virtual = /reviews$/.test(n.resource);
      const info: ResourceInfo = {
        def, group: n.group, version: n.version, resource: n.resource, kind: n.kind, listKind: n.listKind,
        namespaced: n.namespaced, apiVersion: apiVersionOf(n), gvk: { group: n.group, version: n.version, kind: n.kind },
        prefix: `/registry/${n.group || 'core'}/${n.resource}/`,
        verbs: def.verbs ?? (virtual ? ['create'] : ALL_VERBS), virtual,
      };
      this.all.push(info);
      this.byGVR.set(`${n.group}/${n.version}/${n.resource}`, info);
      this.byPrefix.set(info.prefix, info);
    }
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byGVR.get(`${group}/${version}/${resource}`);
  }
  forGVR(gvr: Pick<GVR, 'group' | 'version' | 'resource'>): ResourceInfo | undefined {
    return this.lookup(gvr.group, gvr.version, gvr.resource);
  }
  /** The resource a datastore key belongs to (keys are /registry/<g>/<resource>/...). */
  forKey(key: string): ResourceInfo | undefined {
    const i = key.indexOf('/', 10); // after "/registry/"
    const j = key.indexOf('/', i + 1);
    return this.byPrefix.get(key.slice(0, j + 1));
  }
  /** Group → versions → resources, in registry order (for discovery). */
  groups(): Map<string, Map<string, ResourceInfo[]>> {
    const out = new Map<string, Map<string, ResourceInfo[]>>();
    for (const r of this.all) {
      let g = out.get(r.group);
      if (!g) out.set(r.group, (g = new Map()));
      let v = g.get(r.version);
      if (!v) g.set(r.version, (v = []));
      v.push(r);
    }
    return out;
  }
}

/** The datastore key of one object. */
export function objectKey(r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${r.prefix}${namespace}/${name}` : `${r.prefix}${name}`;
}
/** The key prefix of a list (all namespaces when namespace is empty). */
export function listPrefix(r: ResourceInfo, namespace: string | undefined): string {
  return r.namespaced && namespace ? `${r.prefix}${namespace}/` : r.prefix;
}
