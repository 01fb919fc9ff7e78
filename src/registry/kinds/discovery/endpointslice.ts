// EndpointSlice (discovery.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for EndpointSlice.
import type { KindDef } from '../../types.js';

export const endpointSlice: KindDef = {
  names: { group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", listKind: "EndpointSliceList", resource: "endpointslices", singular: "endpointslice", shortNames: [], categories: [], namespaced: true },
  schema: "io.k8s.api.discovery.v1.EndpointSlice",
  hasStatus: false,
};
