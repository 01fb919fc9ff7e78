// The events kinds.
import { event } from './event.js';
import type { KindDef } from '../../types.js';

export const eventsKinds: KindDef[] = [event] as KindDef[];
