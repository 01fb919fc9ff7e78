// PersistentVolume (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for PersistentVolume.
import type { KindDef } from '../../types.js';

export const persistentVolume: KindDef = {
  names: { group: "", version: "v1", kind: "PersistentVolume", listKind: "PersistentVolumeList", resource: "persistentvolumes", singular: "persistentvolume", shortNames: ["pv"], categories: [], namespaced: false },
  schema: "io.k8s.api.core.v1.PersistentVolume",
  hasStatus: true,
};
