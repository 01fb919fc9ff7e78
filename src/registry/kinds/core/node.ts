// Node (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Node.
import type { KindDef } from '../../types.js';

export const node: KindDef = {
  names: { group: "", version: "v1", kind: "Node", listKind: "NodeList", resource: "nodes", singular: "node", shortNames: ["no"], categories: [], namespaced: false },
  schema: "io.k8s.api.core.v1.Node",
  hasStatus: true,
};
