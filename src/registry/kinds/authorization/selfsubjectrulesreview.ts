// SelfSubjectRulesReview (authorization.k8s.io/v1): create-only; the API server fills status from its
// authorizer's rules for the requesting user (`kubectl auth can-i --list`).
// Upstream: pkg/registry/authorization/selfsubjectrulesreview/rest.go.
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';

export interface SelfSubjectRulesReview extends KObject {
  spec?: { namespace?: string };
  status?: {
    resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
    nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
    incomplete: boolean;
    evaluationError?: string;
  };
}

export const selfSubjectRulesReview: KindDef<SelfSubjectRulesReview> = {
  names: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', listKind: 'SelfSubjectRulesReviewList', resource: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.authorization.v1.SelfSubjectRulesReview',
  verbs: ['create'],
  hasStatus: false,
};
