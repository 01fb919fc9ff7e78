// Service (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Service.
import type { KindDef } from '../../types.js';

export const service: KindDef = {
  names: { group: "", version: "v1", kind: "Service", listKind: "ServiceList", resource: "services", singular: "service", shortNames: ["svc"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.core.v1.Service",
  hasStatus: true,
};
