// PersistentVolumeClaimResize: only bound, dynamically provisioned claims of an expandable class grow.
// Upstream: plugin/pkg/admission/storage/persistentvolume/resize/admission.go
import { forbidden } from '../../api/errors.js';
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';
import { quantityValue } from './quantity.js';

interface Pvc { spec?: { storageClassName?: string; resources?: { requests?: { storage?: string } } }; status?: { phase?: string } }

export const pvcResize: AdmissionPlugin = {
  name: 'PersistentVolumeClaimResize',
  async validate(a, store) {
    if (a.operation !== 'UPDATE' || !isCore(a.resource, 'persistentvolumeclaims') || a.subresource || !a.obj || !a.old) return;
    const pvc = a.obj as unknown as Pvc, old = a.old as unknown as Pvc;
    const nv = quantityValue(pvc.spec?.resources?.requests?.storage), ov = quantityValue(old.spec?.resources?.requests?.storage);
    if (nv === undefined || ov === undefined || nv <= ov) return;
    if (old.status?.phase !== 'Bound') throw forbidden('', 'persistentvolumeclaims', a.name, 'Only bound persistent volume claims can be expanded');
    const cls = pvc.spec?.storageClassName;
    const why = 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';
    if (!cls || cls !== old.spec?.storageClassName) throw forbidden('', 'persistentvolumeclaims', a.name, why);
    const scRes = store.table.lookup('storage.k8s.io', 'v1', 'storageclasses');
    const sc = scRes ? await store.tryGet(scRes, undefined, cls) : undefined;
    if (!sc || sc.allowVolumeExpansion !== true) throw forbidden('', 'persistentvolumeclaims', a.name, why);
  },
};
