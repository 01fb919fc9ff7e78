// The admission chain in upstream's order (kube-apiserver's recommended plugin order, the ones we have).
import type { AdmissionPlugin } from './types.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { serviceAccount } from './service-account.js';
import { defaultStorageClassPlugin } from './default-storage-class.js';
import { storageObjectInUseProtection } from './storage-protection.js';
import { pvcResize } from './pvc-resize.js';
import { serviceClusterIP } from './service-ip.js';

export const mutatingPlugins: AdmissionPlugin[] = [namespaceLifecycle, serviceAccount, defaultStorageClassPlugin, storageObjectInUseProtection, serviceClusterIP];
export const validatingPlugins: AdmissionPlugin[] = [namespaceLifecycle, pvcResize];
