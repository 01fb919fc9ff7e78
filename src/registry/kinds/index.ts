// Every kind the API server serves, group by group. Adding a kind touches only its group's index.
import type { KindDef } from '../types.js';
import { coreKinds } from './core/index.js';
import { storageKinds } from './storage/index.js';
import { appsKinds } from './apps/index.js';
import { policyKinds } from './policy/index.js';
import { coordinationKinds } from './coordination/index.js';
import { discoveryKinds } from './discovery/index.js';
import { eventsKinds } from './events/index.js';
import { authorizationKinds } from './authorization/index.js';
import { authenticationKinds } from './authentication/index.js';

export const allKinds: KindDef[] = [...coreKinds, ...storageKinds, ...appsKinds, ...policyKinds, ...coordinationKinds, ...discoveryKinds, ...eventsKinds, ...authorizationKinds, ...authenticationKinds];
