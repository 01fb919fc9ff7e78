// Event (core/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for Event.
import type { KindDef } from '../../types.js';

export const event: KindDef = {
  names: { group: "", version: "v1", kind: "Event", listKind: "EventList", resource: "events", singular: "event", shortNames: ["ev"], categories: [], namespaced: true },
  schema: "io.k8s.api.core.v1.Event",
  hasStatus: false,
};
