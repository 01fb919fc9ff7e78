// SelfSubjectReview (authentication.k8s.io/v1): create-only; the API server answers with the requesting
// user's info in status.userInfo (`kubectl auth whoami`).
// Upstream: pkg/registry/authentication/selfsubjectreview/rest.go.
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';

export interface SelfSubjectReview extends KObject {
  status?: { userInfo?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } };
}

export const selfSubjectReview: KindDef<SelfSubjectReview> = {
  names: { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', listKind: 'SelfSubjectReviewList', resource: 'selfsubjectreviews', singular: 'selfsubjectreview', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.authentication.v1.SelfSubjectReview',
  verbs: ['create'],
  hasStatus: false,
};
