// CSINode (storage.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for CSINode.
import type { KindDef } from '../../types.js';

export const cSINode: KindDef = {
  names: { group: "storage.k8s.io", version: "v1", kind: "CSINode", listKind: "CSINodeList", resource: "csinodes", singular: "csinode", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.storage.v1.CSINode",
  hasStatus: false,
};
