// StorageObjectInUseProtection: claims and volumes get their protection finalizers at create.
// Upstream: plugin/pkg/admission/storage/storageobjectinuseprotection/admission.go
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

export const storageObjectInUseProtection: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  admit(a) {
    if (a.operation !== 'CREATE' || a.subresource || !a.obj) return;
    const f = isCore(a.resource, 'persistentvolumeclaims') ? PVC_PROTECTION : isCore(a.resource, 'persistentvolumes') ? PV_PROTECTION : undefined;
    if (!f) return;
    const list = (a.obj.metadata.finalizers ??= []);
    if (!list.includes(f)) list.push(f);
  },
};
