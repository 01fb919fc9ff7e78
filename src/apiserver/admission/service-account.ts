// ServiceAccount: pods run as the namespace's "default" ServiceAccount unless they name one.
// Upstream: plugin/pkg/admission/serviceaccount/admission.go (the token volume is not mounted here).
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';

export const serviceAccount: AdmissionPlugin = {
  name: 'ServiceAccount',
  admit(a) {
    if (a.operation !== 'CREATE' || !isCore(a.resource, 'pods') || a.subresource || !a.obj) return;
    const spec = (a.obj.spec ??= {}) as { serviceAccountName?: string; serviceAccount?: string };
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
    // Upstream defaulting keeps the deprecated alias in step.
    spec.serviceAccount = spec.serviceAccountName;
  },
};
