// The discovery kinds.
import { endpointSlice } from './endpointslice.js';
import type { KindDef } from '../../types.js';

export const discoveryKinds: KindDef[] = [endpointSlice] as KindDef[];
