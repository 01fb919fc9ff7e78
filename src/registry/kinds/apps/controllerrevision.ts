// ControllerRevision (apps/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for ControllerRevision.
import type { KindDef } from '../../types.js';

export const controllerRevision: KindDef = {
  names: { group: "apps", version: "v1", kind: "ControllerRevision", listKind: "ControllerRevisionList", resource: "controllerrevisions", singular: "controllerrevision", shortNames: [], categories: [], namespaced: true },
  schema: "io.k8s.api.apps.v1.ControllerRevision",
  hasStatus: false,
};
