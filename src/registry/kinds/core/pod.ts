// Pod (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Pod.
import type { KindDef } from '../../types.js';

export const pod: KindDef = {
  names: { group: "", version: "v1", kind: "Pod", listKind: "PodList", resource: "pods", singular: "pod", shortNames: ["po"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.core.v1.Pod",
  hasStatus: true,
};
