// VolumeAttachment (storage.k8s.io/v1): status split, validation, printer.
// Upstream: pkg/registry/storage/volumeattachment/strategy.go, pkg/apis/storage/validation/validation.go
// (ValidateVolumeAttachment, ValidateVolumeAttachmentUpdate), printers.go (printVolumeAttachment).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { forbidden, invalid, required, type FieldError } from '../../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate, deepEqual, toBadValue } from '../../validation/meta.js';
import { nameIsDNSSubdomain } from '../../validation/names.js';
import { validateCSIDriverName } from '../core/persistentvolume.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface VolumeAttachment extends KObject {
  spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string | null; inlineVolumeSpec?: unknown } };
  status?: { attached?: boolean; attachmentMetadata?: Record<string, string>; attachError?: { message?: string; time?: string }; detachError?: { message?: string; time?: string } };
}

function validateSpec(spec: NonNullable<VolumeAttachment['spec']>): FieldError[] {
  const errs = validateCSIDriverName(spec.attacher, 'spec.attacher');
  const src = spec.source ?? {};
  const pvName = src.persistentVolumeName;
  const inline = src.inlineVolumeSpec;
  if ((pvName === undefined || pvName === null) && (inline === undefined || inline === null)) {
    errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  } else if (pvName !== undefined && pvName !== null && inline !== undefined && inline !== null) {
    errs.push(forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  } else if (pvName !== undefined && pvName !== null && pvName.length === 0) {
    errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  }
  for (const m of nameIsDNSSubdomain(spec.nodeName ?? '', false)) errs.push(invalid('spec.nodeName', spec.nodeName ?? '', m));
  return errs;
}

const validateVA = (va: VolumeAttachment) => [...validateObjectMeta(va.metadata, { namespaced: false }), ...validateSpec(va.spec ?? {})];

export const volumeAttachment: KindDef<VolumeAttachment> = {
  names: { group: 'storage.k8s.io', version: 'v1', kind: 'VolumeAttachment', listKind: 'VolumeAttachmentList', resource: 'volumeattachments', singular: 'volumeattachment', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.storage.v1.VolumeAttachment',
  hasStatus: true,
  subresources: [{ name: 'status', kind: 'VolumeAttachment', verbs: ['get', 'patch', 'update'] }],

  prepareForCreate(va) { delete va.status; },
  prepareForUpdate(va, old) { if (old.status === undefined) delete va.status; else va.status = structuredClone(old.status); },
  prepareForStatusUpdate(va, old) { va.spec = structuredClone(old.spec); },

  validate: (va) => validateVA(va),
  validateUpdate(va, old) {
    const errs = [...validateObjectMetaUpdate(va.metadata, old.metadata), ...validateVA(va)];
    if (!deepEqual(va.spec, old.spec)) errs.push(invalid('spec', toBadValue(va.spec), 'field is immutable'));
    return errs;
  },
  validateStatusUpdate: (va, old) => validateObjectMetaUpdate(va.metadata, old.metadata),

  printer: {
    columns: [
      nameColumn(),
      docColumn('Attacher', 'io.k8s.api.storage.v1.VolumeAttachmentSpec', 'attacher', { format: 'name' }),
      docColumn('PV', 'io.k8s.api.storage.v1.VolumeAttachmentSource', 'persistentVolumeName'),
      docColumn('Node', 'io.k8s.api.storage.v1.VolumeAttachmentSpec', 'nodeName'),
      docColumn('Attached', 'io.k8s.api.storage.v1.VolumeAttachmentStatus', 'attached', { type: 'boolean' }),
      ageColumn(),
    ],
    cells(va, now) {
      return [va.metadata.name, va.spec?.attacher ?? '', va.spec?.source?.persistentVolumeName ?? '', va.spec?.nodeName ?? '', va.status?.attached ?? false, age(va.metadata, now)];
    },
  },
};
