// ConfigMap (core/v1): data key validation, size limit, the `immutable` rule, printer.
// Upstream: pkg/apis/core/validation/validation.go (ValidateConfigMap, ValidateConfigMapUpdate), printers.go (printConfigMap).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { forbidden, invalid, tooLong, type FieldError } from '../../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate, deepEqual } from '../../validation/meta.js';
import { MAX_SECRET_SIZE, isConfigMapKey } from '../../validation/keys.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface ConfigMap extends KObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

// binaryData travels base64-encoded; its size is the decoded size.
const decodedLength = (b64: string) => Buffer.from(b64, 'base64').length;

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true });
  let size = 0;
  // Per key (upstream walks each map once): the key's format, then the cross-map duplicate.
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(`data[${k}]`, k, m)));
    if (cm.binaryData && k in cm.binaryData) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(cm.data![k]));
  }
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(`binaryData[${k}]`, k, m)));
    if (cm.data && k in cm.data) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    size += decodedLength(String(cm.binaryData![k]));
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('', '', MAX_SECRET_SIZE));
  return errs;
}

/** The `immutable: true` rule shared by ConfigMap and Secret. */
export function validateImmutableData(obj: { data?: unknown; binaryData?: unknown; immutable?: boolean }, old: { data?: unknown; binaryData?: unknown; immutable?: boolean }, fields: ('data' | 'binaryData')[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const f of fields) if (!deepEqual(obj[f], old[f])) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const configMap: KindDef<ConfigMap> = {
  names: { group: '', version: 'v1', kind: 'ConfigMap', listKind: 'ConfigMapList', resource: 'configmaps', singular: 'configmap', shortNames: ['cm'], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.ConfigMap',
  hasStatus: false,
  validate: (cm) => validateConfigMap(cm),
  validateUpdate: (cm, old) => [...validateObjectMetaUpdate(cm.metadata, old.metadata), ...validateImmutableData(cm, old, ['data', 'binaryData']), ...validateConfigMap(cm)],
  printer: {
    columns: [nameColumn(), docColumn('Data', 'io.k8s.api.core.v1.ConfigMap', 'data'), ageColumn()],
    cells: (cm, now) => [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm.metadata, now)],
  },
};
