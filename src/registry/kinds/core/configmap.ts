// ConfigMap (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for ConfigMap.
import type { KindDef } from '../../types.js';

export const configMap: KindDef = {
  names: { group: "", version: "v1", kind: "ConfigMap", listKind: "ConfigMapList", resource: "configmaps", singular: "configmap", shortNames: ["cm"], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.ConfigMap",
  hasStatus: false,
};
