// Deployment (apps/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Deployment.
import type { KindDef } from '../../types.js';

export const deployment: KindDef = {
  names: { group: "apps", version: "v1", kind: "Deployment", listKind: "DeploymentList", resource: "deployments", singular: "deployment", shortNames: ["deploy"], categories: ["all"], namespaced: true },
  schema: "io.k8s.api.apps.v1.Deployment",
  hasStatus: true,
};
