// ServiceAccount (core/v1): validation and the `kubectl get sa` printer (Secrets = number of secrets).
// Upstream: pkg/apis/core/validation/validation.go (ValidateServiceAccount), printers.go (printServiceAccount).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface ServiceAccount extends KObject {
  secrets?: { name?: string; namespace?: string }[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

export const serviceAccount: KindDef<ServiceAccount> = {
  names: { group: '', version: 'v1', kind: 'ServiceAccount', listKind: 'ServiceAccountList', resource: 'serviceaccounts', singular: 'serviceaccount', shortNames: ['sa'], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.ServiceAccount',
  hasStatus: false,
  subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  validate: (sa) => validateObjectMeta(sa.metadata, { namespaced: true }),
  validateUpdate: (sa, old) => [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateObjectMeta(sa.metadata, { namespaced: true })],
  printer: {
    columns: [nameColumn(), docColumn('Secrets', 'io.k8s.api.core.v1.ServiceAccount', 'secrets'), ageColumn()],
    cells: (sa, now) => [sa.metadata.name, (sa.secrets ?? []).length, age(sa.metadata, now)],
  },
};
