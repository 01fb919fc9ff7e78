// NamespaceLifecycle: no new content in missing or terminating namespaces; the system namespaces stay.
// Upstream: plugin/pkg/admission/namespace/lifecycle/admission.go
import { forbidden, notFound } from '../../api/errors.js';
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async admit(a, store) {
    if (a.operation === 'DELETE' && isCore(a.resource, 'namespaces') && IMMORTAL_NAMESPACES.includes(a.name)) {
      throw forbidden('', 'namespaces', a.name, 'this namespace may not be deleted');
    }
    if (a.operation !== 'CREATE' || !a.resource.namespaced || !a.namespace || a.resource.virtual) return;
    const nsRes = store.table.lookup('', 'v1', 'namespaces')!;
    const ns = await store.tryGet(nsRes, undefined, a.namespace);
    if (!ns) throw notFound('', 'namespaces', a.namespace);
    const terminating = !!ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
    if (terminating) {
      throw forbidden(a.resource.group, a.resource.resource, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
    }
  },
};
// DELETE admission runs in the validating phase of the store; the same check applies there.
namespaceLifecycle.validate = (a, store) => (a.operation === 'DELETE' ? namespaceLifecycle.admit!(a, store) : undefined);
