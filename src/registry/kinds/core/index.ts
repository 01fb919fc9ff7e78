// The core kinds.
import { namespace } from './namespace.js';
import { node } from './node.js';
import { pod } from './pod.js';
import { persistentVolume } from './persistentvolume.js';
import { persistentVolumeClaim } from './persistentvolumeclaim.js';
import { configMap } from './configmap.js';
import { secret } from './secret.js';
import { serviceAccount } from './serviceaccount.js';
import { event } from './event.js';
import { service } from './service.js';
import { endpoints } from './endpoints.js';
import type { KindDef } from '../../types.js';

export const coreKinds: KindDef[] = [namespace, node, pod, persistentVolume, persistentVolumeClaim, configMap, secret, serviceAccount, event, service, endpoints] as KindDef[];
