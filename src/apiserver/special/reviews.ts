// The review kinds: answered, never stored. Every authenticated user is allowed everything (no RBAC yet).
// Upstream: pkg/registry/authorization/selfsubjectaccessreview/rest.go, selfsubjectrulesreview/rest.go,
// pkg/registry/authentication/selfsubjectreview/rest.go
import type { KObject } from '../../api/object.js';
import type { UserInfo } from '../context.js';
import type { ResourceInfo } from '../resources.js';

export function answerReview(r: ResourceInfo, body: KObject, user: UserInfo): KObject {
  const out: KObject = { ...body, kind: r.kind, apiVersion: r.apiVersion, metadata: { ...(body.metadata ?? {}) } };
  if (out.metadata.creationTimestamp === null) delete out.metadata.creationTimestamp;
  switch (r.resource) {
    case 'selfsubjectaccessreviews':
      out.status = { allowed: true, reason: '' };
      break;
    case 'selfsubjectrulesreviews':
      out.status = {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      };
      break;
    case 'selfsubjectreviews':
      out.status = { userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups } };
      break;
    default:
      out.status = {};
  }
  return out;
}
