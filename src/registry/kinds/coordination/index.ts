// The coordination kinds.
import { lease } from './lease.js';
import type { KindDef } from '../../types.js';

export const coordinationKinds: KindDef[] = [lease] as KindDef[];
