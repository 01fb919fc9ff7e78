// Namespace (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Namespace.
import type { KindDef } from '../../types.js';

export const namespace: KindDef = {
  names: { group: "", version: "v1", kind: "Namespace", listKind: "NamespaceList", resource: "namespaces", singular: "namespace", shortNames: ["ns"], categories: [], namespaced: false },
  schema: "io.k8s.api.core.v1.Namespace",
  hasStatus: true,
};
