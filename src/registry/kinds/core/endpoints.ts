// Endpoints (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Endpoints.
import type { KindDef } from '../../types.js';

export const endpoints: KindDef = {
  names: { group: "", version: "v1", kind: "Endpoints", listKind: "EndpointsList", resource: "endpoints", singular: "endpoints", shortNames: ["ep"], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.Endpoints",
  hasStatus: false,
};
