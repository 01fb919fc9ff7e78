// StorageClass (storage.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for StorageClass.
import type { KindDef } from '../../types.js';

export const storageClass: KindDef = {
  names: { group: "storage.k8s.io", version: "v1", kind: "StorageClass", listKind: "StorageClassList", resource: "storageclasses", singular: "storageclass", shortNames: ["sc"], categories: [], namespaced: false },
  schema: "io.k8s.api.storage.v1.StorageClass",
  hasStatus: false,
};
