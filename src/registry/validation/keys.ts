// Keys of ConfigMap and Secret data. Upstream: apimachinery util/validation, IsConfigMapKey / hasChDirPrefix;
// pkg/apis/core/validation/validation.go (ValidateConfigMap, ValidateSecret).
import { invalid, type FieldError } from '../../api/field.js';
import { maxLenError, regexError } from '../../api/labels.js';

export const MAX_SECRET_SIZE = 1024 * 1024;

export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLenError(253));
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Each key of `data` valid, reported as `<path>[<key>]: Invalid value: "<key>": ...`. */
export function validateDataKeys(data: Record<string, unknown> | undefined, path: string): FieldError[] {
  return Object.keys(data ?? {}).sort().flatMap((k) => isConfigMapKey(k).map((m) => invalid(`${path}[${k}]`, k, m)));
}
