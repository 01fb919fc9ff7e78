// DefaultStorageClass: a claim that names no class gets the default one (the newest when several).
// Upstream: plugin/pkg/admission/storage/storageclass/setdefault/admission.go, GetDefaultClass in
// pkg/volume/util/storageclass.go.
import type { KObject } from '../../api/object.js';
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';
import type { Store } from '../store/store.js';

const IS_DEFAULT = 'storageclass.kubernetes.io/is-default-class';
const IS_DEFAULT_BETA = 'storageclass.beta.kubernetes.io/is-default-class';

export async function defaultStorageClass(store: Store): Promise<KObject | undefined> {
  const sc = store.table.lookup('storage.k8s.io', 'v1', 'storageclasses');
  if (!sc) return undefined;
  const list = await store.list(sc, undefined);
  const defaults = list.items.filter((c) => {
    const an = c.metadata.annotations ?? {};
    return an[IS_DEFAULT] === 'true' || an[IS_DEFAULT_BETA] === 'true';
  });
  // Newest creationTimestamp wins; ties broken by name (upstream sorts by timestamp then name).
  defaults.sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? '') || (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''));
  return defaults[0];
}

export const defaultStorageClassPlugin: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  async admit(a, store) {
    if (a.operation !== 'CREATE' || !isCore(a.resource, 'persistentvolumeclaims') || a.subresource || !a.obj) return;
    const spec = (a.obj.spec ??= {}) as { storageClassName?: string | null };
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    // The beta annotation still names a class explicitly.
    if (a.obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
    const def = await defaultStorageClass(store);
    if (def) spec.storageClassName = def.metadata.name;
  },
};
