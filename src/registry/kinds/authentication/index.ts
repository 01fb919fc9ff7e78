// The authentication kinds.
import { selfSubjectReview } from './selfsubjectreview.js';
import type { KindDef } from '../../types.js';

export const authenticationKinds: KindDef[] = [selfSubjectReview] as KindDef[];
