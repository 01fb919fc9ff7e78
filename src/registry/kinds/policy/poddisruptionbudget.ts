// PodDisruptionBudget (policy/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for PodDisruptionBudget.
import type { KindDef } from '../../types.js';

export const podDisruptionBudget: KindDef = {
  names: { group: "policy", version: "v1", kind: "PodDisruptionBudget", listKind: "PodDisruptionBudgetList", resource: "poddisruptionbudgets", singular: "poddisruptionbudget", shortNames: ["pdb"], categories: [], namespaced: true },
  schema: "io.k8s.api.policy.v1.PodDisruptionBudget",
  hasStatus: true,
};
