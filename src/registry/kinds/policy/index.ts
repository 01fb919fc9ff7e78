// The policy kinds.
import { podDisruptionBudget } from './poddisruptionbudget.js';
import type { KindDef } from '../../types.js';

export const policyKinds: KindDef[] = [podDisruptionBudget] as KindDef[];
