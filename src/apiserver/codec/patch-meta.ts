// How each list (and the few retainKeys structs) of the built-in kinds merges: the strategic-merge-patch
// tags (patchStrategy, patchMergeKey) and the server-side-apply list types (+listType, +listMapKey) of the
// upstream Go structs, as data. Lists not named here are atomic (SMP replaces them, SSA owns them whole).
// Upstream: k8s.io/api/core/v1/types.go, k8s.io/api/apps/v1/types.go, k8s.io/api/policy/v1/types.go,
// k8s.io/apimachinery/pkg/apis/meta/v1/types.go (struct tags of the fields named below).

export interface ListMeta {
  /** SMP patchStrategy: "merge" merges items by mergeKey (or as a set of primitives when no key). */
  strategy?: 'merge' | 'merge,retainKeys' | 'retainKeys';
  /** SMP patchMergeKey. */
  mergeKey?: string;
  /** SSA list type (x-kubernetes-list-type). */
  listType: 'atomic' | 'map' | 'set';
  /** SSA x-kubernetes-list-map-keys (may be several, e.g. containerPort+protocol). */
  mapKeys?: string[];
}

const keyed = (key: string, mapKeys: string[] = [key], strategy: ListMeta['strategy'] = 'merge'): ListMeta =>
  ({ strategy, mergeKey: key, listType: 'map', mapKeys });
const set: ListMeta = { strategy: 'merge', listType: 'set' };
const conditions = keyed('type');
/** A list without patch tags but with +listType=map (SMP replaces it; SSA merges it by key). */
const ssaMap = (...keys: string[]): ListMeta => ({ listType: 'map', mapKeys: keys });

const container: Record<string, ListMeta> = {
  ports: keyed('containerPort', ['containerPort', 'protocol']),
  env: keyed('name'),
  volumeMounts: keyed('mountPath'),
  volumeDevices: keyed('devicePath'),
};

/** "<schema name>" → field → list meta. */
export const patchMeta: Record<string, Record<string, ListMeta>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: set,
    ownerReferences: keyed('uid'),
  },
  'io.k8s.api.core.v1.PodSpec': {
    volumes: keyed('name', ['name'], 'merge,retainKeys'),
    initContainers: keyed('name'),
    containers: keyed('name'),
    ephemeralContainers: keyed('name'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    resourceClaims: keyed('name', ['name'], 'merge,retainKeys'),
    schedulingGates: keyed('name'),
  },
  'io.k8s.api.core.v1.Container': container,
  'io.k8s.api.core.v1.EphemeralContainer': container,
  'io.k8s.api.core.v1.ResourceRequirements': { claims: ssaMap('name') },
  'io.k8s.api.core.v1.PodStatus': {
    conditions,
    podIPs: keyed('ip'),
    hostIPs: keyed('ip'),
    resourceClaimStatuses: keyed('name', ['name'], 'merge,retainKeys'),
  },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: set },
  'io.k8s.api.core.v1.NodeStatus': { conditions, addresses: keyed('type') },
  'io.k8s.api.core.v1.ServiceSpec': { ports: keyed('port', ['port', 'protocol']) },
  'io.k8s.api.core.v1.ServiceStatus': { conditions },
  'io.k8s.api.core.v1.ServiceAccount': { secrets: keyed('name') },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': { conditions },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions },
};

/** Struct fields whose SMP strategy is retainKeys (one-of structs: switching type drops the old fields). */
export const retainKeysFields: Record<string, string[]> = {
  'io.k8s.api.apps.v1.DeploymentSpec': ['strategy'],
};

export function listMetaOf(schema: string | undefined, field: string): ListMeta {
  return (schema && patchMeta[schema]?.[field]) || { listType: 'atomic' };
}
