// DaemonSet (apps/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for DaemonSet.
import type { KindDef } from '../../types.js';

export const daemonSet: KindDef = {
  names: { group: "apps", version: "v1", kind: "DaemonSet", listKind: "DaemonSetList", resource: "daemonsets", singular: "daemonset", shortNames: ["ds"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.apps.v1.DaemonSet",
  hasStatus: true,
};
