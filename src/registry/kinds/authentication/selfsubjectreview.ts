// SelfSubjectReview (authentication.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for SelfSubjectReview.
import type { KindDef } from '../../types.js';

export const selfSubjectReview: KindDef = {
  names: { group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", listKind: "SelfSubjectReviewList", resource: "selfsubjectreviews", singular: "selfsubjectreview", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.authentication.v1.SelfSubjectReview",
  hasStatus: false,
};
