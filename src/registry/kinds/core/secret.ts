// Secret (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Secret.
import type { KindDef } from '../../types.js';

export const secret: KindDef = {
  names: { group: "", version: "v1", kind: "Secret", listKind: "SecretList", resource: "secrets", singular: "secret", shortNames: [], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.Secret",
  hasStatus: false,
};
