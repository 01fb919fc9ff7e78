// SelfSubjectAccessReview (authorization.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for SelfSubjectAccessReview.
import type { KindDef } from '../../types.js';

export const selfSubjectAccessReview: KindDef = {
  names: { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", listKind: "SelfSubjectAccessReviewList", resource: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
  hasStatus: false,
};
