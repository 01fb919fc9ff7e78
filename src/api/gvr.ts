// Names of every resource Stowage serves, for clients. The registry (registry/kinds) owns each kind's
// rules; this table is only the addressing (group, version, plural), so clients do not import the registry.

export interface GVR { group: string; version: string; resource: string; namespaced: boolean }

const core = (resource: string, namespaced = true): GVR => ({ group: '', version: 'v1', resource, namespaced });
const g = (group: string, version: string, resource: string, namespaced = true): GVR => ({ group, version, resource, namespaced });

export const R = {
  namespaces: core('namespaces', false),
  nodes: core('nodes', false),
  pods: core('pods'),
  persistentvolumes: core('persistentvolumes', false),
  persistentvolumeclaims: core('persistentvolumeclaims'),
  configmaps: core('configmaps'),
  secrets: core('secrets'),
  serviceaccounts: core('serviceaccounts'),
  events: core('events'),
  services: core('services'),
  endpoints: core('endpoints'),
  storageclasses: g('storage.k8s.io', 'v1', 'storageclasses', false),
  volumeattachments: g('storage.k8s.io', 'v1', 'volumeattachments', false),
  csidrivers: g('storage.k8s.io', 'v1', 'csidrivers', false),
  csinodes: g('storage.k8s.io', 'v1', 'csinodes', false),
  deployments: g('apps', 'v1', 'deployments'),
  replicasets: g('apps', 'v1', 'replicasets'),
  statefulsets: g('apps', 'v1', 'statefulsets'),
  daemonsets: g('apps', 'v1', 'daemonsets'),
  controllerrevisions: g('apps', 'v1', 'controllerrevisions'),
  poddisruptionbudgets: g('policy', 'v1', 'poddisruptionbudgets'),
  leases: g('coordination.k8s.io', 'v1', 'leases'),
  endpointslices: g('discovery.k8s.io', 'v1', 'endpointslices'),
  eventsv1: g('events.k8s.io', 'v1', 'events'),
} as const satisfies Record<string, GVR>;

export function apiVersionOf(gvr: Pick<GVR, 'group' | 'version'>): string {
  return gvr.group ? `${gvr.group}/${gvr.version}` : gvr.version;
}

/** The URL path of a collection or object, as kube-apiserver serves it. */
export function resourcePath(gvr: GVR, namespace?: string, name?: string, subresource?: string): string {
  let p = gvr.group ? `/apis/${gvr.group}/${gvr.version}` : `/api/${gvr.version}`;
  if (gvr.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${gvr.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export interface GVK { group: string; version: string; kind: string }
