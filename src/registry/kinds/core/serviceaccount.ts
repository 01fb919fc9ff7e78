// ServiceAccount (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for ServiceAccount.
import type { KindDef } from '../../types.js';

export const serviceAccount: KindDef = {
  names: { group: "", version: "v1", kind: "ServiceAccount", listKind: "ServiceAccountList", resource: "serviceaccounts", singular: "serviceaccount", shortNames: ["sa"], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.ServiceAccount",
  hasStatus: false,
};
