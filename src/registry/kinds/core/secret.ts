// Secret (core/v1): type Opaque by default, per-type required keys, immutable type and `immutable` rule, printer.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_Secret), pkg/apis/core/validation/validation.go
// (ValidateSecret, ValidateSecretUpdate), pkg/registry/core/secret/strategy.go (SelectableFields), printers.go (printSecret).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { invalid, required, tooLong, type FieldError } from '../../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from '../../validation/meta.js';
import { MAX_SECRET_SIZE, validateDataKeys } from '../../validation/keys.js';
import { validateImmutableData } from './configmap.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface Secret extends KObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

// Keys each built-in type requires. Upstream: ValidateSecret's switch on secret.Type.
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.key', 'tls.crt'],
};

export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true });
  const data = s.data ?? {};
  errs.push(...validateDataKeys(data, 'data'));
  const size = Object.values(data).reduce((n, v) => n + Buffer.from(String(v), 'base64').length, 0);
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('data', '', MAX_SECRET_SIZE));
  const type = s.type ?? 'Opaque';
  if (type === 'kubernetes.io/service-account-token') {
    if (!s.metadata.annotations?.[SA_NAME_ANNOTATION]) errs.push(required(`metadata.annotations[${SA_NAME_ANNOTATION}]`));
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!('username' in data) && !('password' in data)) errs.push(required('data[username]'), required('data[password]'));
  } else {
    for (const k of REQUIRED_KEYS[type] ?? []) if (!(k in data)) errs.push(required(`data[${k}]`));
  }
  if (type === 'kubernetes.io/dockerconfigjson' && '.dockerconfigjson' in data) {
    try { JSON.parse(Buffer.from(data['.dockerconfigjson']!, 'base64').toString('utf8')); } catch (e) {
      errs.push(invalid('data[.dockerconfigjson]', '<secret contents redacted>', (e as Error).message));
    }
  }
  return errs;
}

export const secret: KindDef<Secret> = {
  names: { group: '', version: 'v1', kind: 'Secret', listKind: 'SecretList', resource: 'secrets', singular: 'secret', shortNames: [], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.Secret',
  hasStatus: false,

  defaults(s) {
    if (!s.type) s.type = 'Opaque';
    // stringData is write-only: merged into data (base64) on every write.
    if (s.stringData) {
      s.data = { ...(s.data ?? {}) };
      for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete s.stringData;
    }
  },

  validate: (s) => validateSecret(s),
  validateUpdate: (s, old) => [
    ...validateObjectMetaUpdate(s.metadata, old.metadata),
    ...validateImmutableField(s.type, old.type, 'type'),
    ...validateImmutableData(s, old, ['data']),
    ...validateSecret(s),
  ],

  printer: {
    columns: [nameColumn(), docColumn('Type', 'io.k8s.api.core.v1.Secret', 'type'), docColumn('Data', 'io.k8s.api.core.v1.Secret', 'data'), ageColumn()],
    cells: (s, now) => [s.metadata.name, s.type ?? '', Object.keys(s.data ?? {}).length, age(s.metadata, now)],
  },

  fieldSelectors: { type: (s) => s.type ?? '' },
};
