// Lease (coordination.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Lease.
import type { KindDef } from '../../types.js';

export const lease: KindDef = {
  names: { group: "coordination.k8s.io", version: "v1", kind: "Lease", listKind: "LeaseList", resource: "leases", singular: "lease", shortNames: [], categories: [], namespaced: true },
  schema: "io.k8s.api.coordination.v1.Lease",
  hasStatus: false,
};
