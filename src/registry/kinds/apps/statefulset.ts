// StatefulSet (apps/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for StatefulSet.
import type { KindDef } from '../../types.js';

export const statefulSet: KindDef = {
  names: { group: "apps", version: "v1", kind: "StatefulSet", listKind: "StatefulSetList", resource: "statefulsets", singular: "statefulset", shortNames: ["sts"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.apps.v1.StatefulSet",
  hasStatus: true,
};
