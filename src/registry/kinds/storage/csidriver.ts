// CSIDriver (storage.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for CSIDriver.
import type { KindDef } from '../../types.js';

export const cSIDriver: KindDef = {
  names: { group: "storage.k8s.io", version: "v1", kind: "CSIDriver", listKind: "CSIDriverList", resource: "csidrivers", singular: "csidriver", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.storage.v1.CSIDriver",
  hasStatus: false,
};
