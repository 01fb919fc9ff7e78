// Lease (coordination.k8s.io/v1): leader election and node heartbeats. Validation and the printer.
// Upstream: pkg/apis/coordination/validation/validation.go (ValidateLeaseSpec),
// pkg/printers/internalversion/printers.go (printLease).
import { invalid, notSupported, type FieldError } from '../../../api/field.js';
import type { KObject } from '../../../api/object.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { NEGATIVE_ERROR } from '../../validation/pod/index.js';

interface LeaseSpec {
  holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number;
  strategy?: string; preferredHolder?: string;
}
export interface LeaseObject extends KObject { spec?: LeaseSpec }

export function validateLeaseSpec(spec: LeaseSpec | undefined): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) errs.push(invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.push(invalid('spec.leaseTransitions', s.leaseTransitions, NEGATIVE_ERROR));
  if (s.strategy !== undefined && s.strategy !== 'OldestEmulationVersion') errs.push(notSupported('spec.strategy', s.strategy, ['OldestEmulationVersion']));
  return errs;
}

export const lease: KindDef<LeaseObject> = {
  names: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', resource: 'leases', singular: 'lease', shortNames: [], categories: [], namespaced: true },
  schema: 'io.k8s.api.coordination.v1.Lease',
  hasStatus: false,
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateLeaseSpec(obj.spec)],
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateLeaseSpec(obj.spec)],
  printer: {
    columns: [nameColumn(), docColumn('Holder', 'io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity'), ageColumn()],
    cells: (obj, now) => [obj.metadata.name, obj.spec?.holderIdentity ?? '', age(obj.metadata, now)],
  },
};
