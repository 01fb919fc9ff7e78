// CSIDriver (storage.k8s.io/v1): defaults, validation, update rules, printer.
// Upstream: pkg/apis/storage/v1/defaults.go (SetDefaults_CSIDriver), pkg/apis/storage/validation/validation.go
// (ValidateCSIDriver, ValidateCSIDriverUpdate), printers.go (printCSIDriver).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { required, type FieldError } from '../../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from '../../validation/meta.js';
import { validateEnum } from '../../validation/common.js';
import { validateCSIDriverName } from '../core/persistentvolume.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface CSIDriver extends KObject {
  spec?: {
    attachRequired?: boolean; podInfoOnMount?: boolean; volumeLifecycleModes?: string[]; storageCapacity?: boolean;
    fsGroupPolicy?: string; tokenRequests?: { audience?: string; expirationSeconds?: number }[]; requiresRepublish?: boolean; seLinuxMount?: boolean;
  };
}

function validateSpec(spec: NonNullable<CSIDriver['spec']>): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.attachRequired === undefined) errs.push(required('spec.attachedRequired')); // sic: upstream's path
  if (spec.podInfoOnMount === undefined) errs.push(required('spec.podInfoOnMount'));
  if (spec.storageCapacity === undefined) errs.push(required('spec.storageCapacity'));
  if (spec.fsGroupPolicy !== undefined) errs.push(...validateEnum(spec.fsGroupPolicy, ['File', 'None', 'ReadWriteOnceWithFSType'], 'spec.fsGroupPolicy'));
  (spec.volumeLifecycleModes ?? []).forEach((m) => errs.push(...validateEnum(m, ['Ephemeral', 'Persistent'], 'spec.volumeLifecycleModes')));
  const audiences = new Set<string>();
  (spec.tokenRequests ?? []).forEach((t, i) => {
    const a = t.audience ?? '';
    if (audiences.has(a)) errs.push({ type: 'FieldValueDuplicate', field: `spec.tokenRequests[${i}].audience`, badValue: a });
    audiences.add(a);
    if (t.expirationSeconds !== undefined && t.expirationSeconds < 600) errs.push({ type: 'FieldValueInvalid', field: `spec.tokenRequests[${i}].expirationSeconds`, badValue: t.expirationSeconds, detail: 'may not specify a duration less than 10 minutes' });
  });
  return errs;
}

const validateDriver = (d: CSIDriver) => [
  ...validateObjectMeta(d.metadata, { namespaced: false }),
  ...validateCSIDriverName(d.metadata.name, 'name'),
  ...validateSpec(d.spec ?? {}),
];

export const cSIDriver: KindDef<CSIDriver> = {
  names: { group: 'storage.k8s.io', version: 'v1', kind: 'CSIDriver', listKind: 'CSIDriverList', resource: 'csidrivers', singular: 'csidriver', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.storage.v1.CSIDriver',
  hasStatus: false,

  defaults(d) {
    const s = (d.spec ??= {});
    s.attachRequired ??= true;
    s.podInfoOnMount ??= false;
    s.storageCapacity ??= false;
    s.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    s.requiresRepublish ??= false;
    if (!s.volumeLifecycleModes || s.volumeLifecycleModes.length === 0) s.volumeLifecycleModes = ['Persistent'];
  },

  validate: (d) => validateDriver(d),
  validateUpdate(d, old) {
    const errs = [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateDriver(d)];
    errs.push(...validateImmutableField(d.spec?.attachRequired, old.spec?.attachRequired, 'spec.attachRequired'));
    errs.push(...validateImmutableField(d.spec?.fsGroupPolicy, old.spec?.fsGroupPolicy, 'spec.fsGroupPolicy'));
    errs.push(...validateImmutableField(d.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes, 'spec.volumeLifecycleModes'));
    return errs;
  },

  printer: {
    columns: [
      nameColumn(),
      docColumn('AttachRequired', 'io.k8s.api.storage.v1.CSIDriverSpec', 'attachRequired', { type: 'boolean' }),
      docColumn('PodInfoOnMount', 'io.k8s.api.storage.v1.CSIDriverSpec', 'podInfoOnMount', { type: 'boolean' }),
      docColumn('StorageCapacity', 'io.k8s.api.storage.v1.CSIDriverSpec', 'storageCapacity', { type: 'boolean' }),
      docColumn('TokenRequests', 'io.k8s.api.storage.v1.CSIDriverSpec', 'tokenRequests'),
      docColumn('RequiresRepublish', 'io.k8s.api.storage.v1.CSIDriverSpec', 'requiresRepublish', { type: 'boolean' }),
      docColumn('Modes', 'io.k8s.api.storage.v1.CSIDriverSpec', 'volumeLifecycleModes'),
      ageColumn(),
    ],
    cells(d, now) {
      const s = d.spec ?? {};
      const modes = (s.volumeLifecycleModes ?? []).join(',') || '<none>';
      const tokens = (s.tokenRequests ?? []).map((t) => t.audience ?? '').join(',');
      return [d.metadata.name, s.attachRequired ?? true, s.podInfoOnMount ?? false, s.storageCapacity ?? false,
        (s.tokenRequests ?? []).length ? tokens : '<unset>', s.requiresRepublish ?? false, modes, age(d.metadata, now)];
    },
  },
};

