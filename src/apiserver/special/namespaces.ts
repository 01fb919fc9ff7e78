// Namespaces: DELETE marks them Terminating (the namespace controller empties them and calls /finalize);
// one is removed once its spec.finalizers is empty. A new namespace gets a "default" ServiceAccount.
// Upstream: pkg/registry/core/namespace/storage/storage.go (Delete), strategy.go (PrepareForCreate,
// FinalizeStrategy); the ServiceAccount controller's "default" account.
import type { KObject } from '../../api/object.js';
import { isAlreadyExists } from '../../api/errors.js';
import { makeContext, ADMIN_USER } from '../context.js';
import { timestamp } from '../store/meta.js';
import type { StorageHooks, Store } from '../store/store.js';

interface Ns { spec?: { finalizers?: string[] }; status?: { phase?: string } }

export const namespaceStorageHooks: StorageHooks = {
  async afterCreate(obj: KObject, store: Store) {
    const sa = store.table.lookup('', 'v1', 'serviceaccounts');
    if (!sa) return;
    try {
      await store.create(sa, obj.metadata.name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
        makeContext(ADMIN_USER, new Date(), { fieldManager: 'kube-controller-manager' }));
    } catch (e) { if (!isAlreadyExists(e)) throw e; }
  },
  async beforeDelete(obj, _opts, ctx, store) {
    const ns = obj as unknown as Ns;
    const finalizers = ns.spec?.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.length === 0 && !(obj.metadata.finalizers?.length)) return undefined;
    if (obj.metadata.deletionTimestamp) return obj; // already terminating
    if (finalizers.length === 0 && !(obj.metadata.finalizers?.length)) return undefined;
    const r = store.table.lookup('', 'v1', 'namespaces')!;
    return store.systemUpdate(r, undefined, obj.metadata.name!, (cur) => {
      cur.metadata.deletionTimestamp ??= timestamp(ctx.now);
      cur.metadata.deletionGracePeriodSeconds ??= 0;
      ((cur as Ns).status ??= {}).phase = 'Terminating';
      return cur;
    }, ctx.dryRun);
  },
  beforeCreate: (obj) => prepareNamespace(obj),
  deleteAfterUpdate(obj) {
    return !((obj as Ns).spec?.finalizers?.length);
  },
};

/** Upstream namespace PrepareForCreate: the "kubernetes" finalizer and phase Active. */
export function prepareNamespace(obj: KObject): void {
  const ns = obj as unknown as Ns;
  ns.spec ??= {};
  if (!ns.spec.finalizers?.includes('kubernetes')) ns.spec.finalizers = [...(ns.spec.finalizers ?? []), 'kubernetes'];
  ns.status = { phase: 'Active' };
}
