// Downward API field references (env valueFrom.fieldRef and downwardAPI volume items).
// Upstream: pkg/apis/core/validation/validation.go, validateObjectFieldSelector;
// pkg/apis/core/pods/helpers.go, ConvertDownwardAPIFieldLabel; pkg/fieldpath, SplitMaybeSubscriptedPath.
import { invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isQualifiedName } from '../../../api/labels.js';
import type { ObjectFieldSelector } from './types.js';

export const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

const CONVERTIBLE = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

/** SplitMaybeSubscriptedPath: `metadata.labels['app']` -> ["metadata.labels", "app"]. */
function splitSubscript(p: string): [string, string] | undefined {
  const m = /^(.*)\['(.*)'\]$/.exec(p);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** ConvertDownwardAPIFieldLabel for v1: the error text upstream wraps in "error converting fieldPath: ...". */
function conversionError(apiVersion: string, fieldPath: string): string | undefined {
  if (apiVersion !== 'v1') return `unsupported pod version: ${apiVersion}`;
  const sub = splitSubscript(fieldPath);
  if (sub) {
    return sub[0] === 'metadata.annotations' || sub[0] === 'metadata.labels' ? undefined : `field label does not support subscript: ${sub[0]}`;
  }
  return CONVERTIBLE.includes(fieldPath) ? undefined : `field label not supported: ${fieldPath}`;
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, expressions: string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [required(`${path}.fieldPath`)];
  const err = conversionError(fs.apiVersion, fs.fieldPath);
  if (err) return [invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: ${err}`)];
  const sub = splitSubscript(fs.fieldPath);
  if (sub) {
    const key = sub[0] === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    return isQualifiedName(key).map((msg) => invalid(path, key, msg));
  }
  return expressions.includes(fs.fieldPath) ? [] : [notSupported(`${path}.fieldPath`, fs.fieldPath, [...expressions].sort())];
}
