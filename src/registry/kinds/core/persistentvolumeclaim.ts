// PersistentVolumeClaim (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for PersistentVolumeClaim.
import type { KindDef } from '../../types.js';

export const persistentVolumeClaim: KindDef = {
  names: { group: "", version: "v1", kind: "PersistentVolumeClaim", listKind: "PersistentVolumeClaimList", resource: "persistentvolumeclaims", singular: "persistentvolumeclaim", shortNames: ["pvc"], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.PersistentVolumeClaim",
  hasStatus: true,
};
