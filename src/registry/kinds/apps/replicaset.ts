// ReplicaSet (apps/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for ReplicaSet.
import type { KindDef } from '../../types.js';

export const replicaSet: KindDef = {
  names: { group: "apps", version: "v1", kind: "ReplicaSet", listKind: "ReplicaSetList", resource: "replicasets", singular: "replicaset", shortNames: ["rs"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.apps.v1.ReplicaSet",
  hasStatus: true,
};
