// The authorization kinds.
import { selfSubjectAccessReview } from './selfsubjectaccessreview.js';
import { selfSubjectRulesReview } from './selfsubjectrulesreview.js';
import type { KindDef } from '../../types.js';

export const authorizationKinds: KindDef[] = [selfSubjectAccessReview, selfSubjectRulesReview] as KindDef[];
