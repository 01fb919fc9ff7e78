// SelfSubjectRulesReview (authorization.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for SelfSubjectRulesReview.
import type { KindDef } from '../../types.js';

export const selfSubjectRulesReview: KindDef = {
  names: { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", listKind: "SelfSubjectRulesReviewList", resource: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
  hasStatus: false,
};
