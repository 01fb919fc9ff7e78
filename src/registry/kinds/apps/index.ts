// The apps kinds.
import { deployment } from './deployment.js';
import { replicaSet } from './replicaset.js';
import { statefulSet } from './statefulset.js';
import { daemonSet } from './daemonset.js';
import { controllerRevision } from './controllerrevision.js';
import type { KindDef } from '../../types.js';

export const appsKinds: KindDef[] = [deployment, replicaSet, statefulSet, daemonSet, controllerRevision] as KindDef[];
