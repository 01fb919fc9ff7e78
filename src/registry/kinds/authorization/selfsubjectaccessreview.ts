// SelfSubjectAccessReview (authorization.k8s.io/v1): create-only; the API server answers it (status.allowed)
// from its authorizer. This module declares it and validates the request.
// Upstream: pkg/apis/authorization/validation/validation.go (ValidateSelfSubjectAccessReview),
// pkg/registry/authorization/selfsubjectaccessreview/rest.go.
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { invalid, required, type FieldError } from '../../../api/field.js';

export interface SelfSubjectAccessReview extends KObject {
  spec?: {
    resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string } | null;
    nonResourceAttributes?: { path?: string; verb?: string } | null;
  };
  status?: { allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/** Whether metadata carries anything besides managedFields (upstream requires it empty). */
export function metadataIsEmpty(meta: KObject['metadata'] | undefined): boolean {
  const { managedFields: _ignored, ...rest } = meta ?? {};
  return Object.values(rest).every((v) => v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v).length === 0));
}

export function validateSelfSubjectAccessReview(r: SelfSubjectAccessReview): FieldError[] {
  const errs: FieldError[] = [];
  const spec = r.spec ?? {};
  const res = spec.resourceAttributes ?? undefined;
  const nonRes = spec.nonResourceAttributes ?? undefined;
  if (res && nonRes) errs.push(invalid('spec.nonResourceAttributes', { raw: JSON.stringify(nonRes) }, 'cannot be specified in combination with resourceAttributes'));
  if (!res && !nonRes) errs.push(invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (nonRes && !nonRes.verb) errs.push(required('spec.nonResourceAttributes.verb'));
  if (!metadataIsEmpty(r.metadata)) errs.push(invalid('metadata', { raw: JSON.stringify(r.metadata) }, 'must be empty'));
  return errs;
}

export const selfSubjectAccessReview: KindDef<SelfSubjectAccessReview> = {
  names: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', listKind: 'SelfSubjectAccessReviewList', resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.authorization.v1.SelfSubjectAccessReview',
  verbs: ['create'],
  hasStatus: false,
  validate: (r) => validateSelfSubjectAccessReview(r),
};
