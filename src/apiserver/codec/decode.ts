// Request body → object, with upstream's strict-decoding semantics: unknown and duplicate fields are errors
// (Strict), warnings (Warn) or ignored; unknown fields are dropped as decoding into the Go struct does;
// quantities are parsed and stored in canonical form; type mismatches and bad JSON are 400s.
// Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (transformDecodeError),
// create.go/update.go/patch.go (fieldValidation), k8s.io/apimachinery/pkg/runtime/serializer/json (strict).
import { parseDocument, isMap, isSeq, isScalar, isAlias, type Node as YamlNode } from 'yaml';
import { StatusError, badRequest, unsupportedMediaType } from '../../api/errors.js';
import type { GVK } from '../../api/gvr.js';
import type { KObject } from '../../api/object.js';
import { canonicalQuantity } from '../../api/quantity.js';
import { allKinds } from '../../registry/kinds/index.js';
import { JsonSyntaxError, parseJsonStrict } from './json-strict.js';
import { decodeProtobuf } from './protobuf.js';
import { typeSchema, type FieldType } from './schema.js';

export type Validation = 'Strict' | 'Warn' | 'Ignore';

/** The upstream schema name of a kind (io.k8s.api.core.v1.Pod), from the registry. */
export function schemaNameOf(gvk: GVK): string | undefined {
  return allKinds.find((k) => k.names.group === gvk.group && k.names.version === gvk.version && k.names.kind === gvk.kind)?.schema;
}

const apiVersionOf = (gvk: GVK) => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);

/** `<Kind> in version "<v>" cannot be handled as a <Kind>: <why>` (400), as transformDecodeError words it. */
export function cannotHandle(gvk: GVK, why: string): StatusError {
  return badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${why}`);
}

const typeMetaGoType = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

// ---------- body parsing ----------

interface Parsed { value: unknown; duplicates: string[] }

function parseJsonBody(body: Buffer): Parsed {
  try {
    return parseJsonStrict(body.toString('utf8'));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
}

/** YAML → plain value, collecting duplicate map keys with their paths (the yaml package would throw or keep one). */
export function parseYamlBody(body: Buffer): Parsed {
  const doc = parseDocument(body.toString('utf8'), { uniqueKeys: false, merge: false });
  if (doc.errors.length) throw badRequest(`error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
  const duplicates: string[] = [];
  const toValue = (n: unknown, path: string): unknown => {
    if (isAlias(n)) return toValue((n as { resolve(d: typeof doc): unknown }).resolve(doc), path);
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = path ? `${path}.${k}` : k;
        if (Object.prototype.hasOwnProperty.call(out, k)) duplicates.push(p);
        Object.defineProperty(out, k, { value: toValue(pair.value, p), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(n)) return n.items.map((it, i) => toValue(it, `${path}[${i}]`));
    if (isScalar(n)) return n.value ?? null;
    return n ?? null;
  };
  return { value: toValue(doc.contents as YamlNode | null, ''), duplicates };
}

// ---------- schema walk ----------

interface Walk { unknown: string[]; gvk: GVK }

const jsonKind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

const goTypeOf = (t: FieldType): string => {
  switch (t.t) {
    case 'integer': return 'int32';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
    case 'array': return `[]${goTypeOf(t.items)}`;
    case 'map': return `map[string]${goTypeOf(t.values)}`;
    case 'ref': return `v1.${t.ref.split('.').at(-1)}`;
    default: return 'string';
  }
};

/** Go's UnmarshalTypeError as sigs.k8s.io/json prints it: struct name, then the JSON path without indices. */
function typeError(w: Walk, value: unknown, t: FieldType, struct: string, path: string): StatusError {
  const goPath = path.replace(/\[[^\]]*\]/g, '');
  return cannotHandle(w.gvk, `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${goPath} of type ${goTypeOf(t)}`);
}

function walkValue(w: Walk, value: unknown, t: FieldType, path: string, struct: string, set: (v: unknown) => void): void {
  if (value === null || value === undefined) return;
  switch (t.t) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') throw typeError(w, value, t, struct, path);
      return;
    case 'time': case 'microTime':
      if (typeof value !== 'string') throw typeError(w, value, t, struct, path);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(w, value, t, struct, path);
      return;
    case 'integer':
      if (typeof value !== 'number') throw typeError(w, value, t, struct, path);
      if (!Number.isInteger(value)) throw cannotHandle(w.gvk, `json: cannot unmarshal number ${value} into Go struct field ${struct}.${path.replace(/\[[^\]]*\]/g, '')} of type int32`);
      return;
    case 'number':
      if (typeof value !== 'number') throw typeError(w, value, t, struct, path);
      return;
    case 'intOrString':
      if (typeof value !== 'number' && typeof value !== 'string') throw typeError(w, value, t, struct, path);
      return;
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') throw cannotHandle(w.gvk, 'quantities must be a string');
      try {
        set(canonicalQuantity(value));
      } catch (e) {
        throw cannotHandle(w.gvk, (e as Error).message);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) throw typeError(w, value, t, struct, path);
      value.forEach((item, i) => walkValue(w, item, t.items, `${path}[${i}]`, struct, (v) => { value[i] = v; }));
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) throw typeError(w, value, t, struct, path);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        walkValue(w, v, t.values, `${path}[${k}]`, struct, (nv) => { (value as Record<string, unknown>)[k] = nv; });
      }
      return;
    case 'ref':
      walkObject(w, value, t.ref, path, struct, t);
  }
}

/** Go's UnmarshalTypeError names the innermost struct holding the field (`DeploymentSpec.spec.replicas`). */
function walkObject(w: Walk, value: unknown, schemaName: string, path: string, struct: string, t: FieldType): void {
  const schema = typeSchema(schemaName);
  if (!schema || schema.free) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(w, value, t, struct, path);
  const obj = value as Record<string, unknown>;
  const name = schemaName.split('.').at(-1)!;
  for (const key of Object.keys(obj)) {
    const p = path ? `${path}.${key}` : key;
    const ft = schema.props[key];
    if (!ft) {
      w.unknown.push(p);
      delete obj[key]; // decoding into the Go struct drops it
      continue;
    }
    walkValue(w, obj[key], ft, p, name, (v) => { obj[key] = v; });
  }
}

/**
 * Checks `obj` against the kind's schema: drops unknown fields (returning their paths), canonicalises
 * quantities, and throws 400 for type mismatches and bad quantities. Used by decodeObject and by patch/apply
 * results, which must obey the same rules.
 */
export function checkAgainstSchema(obj: Record<string, unknown>, gvk: GVK): string[] {
  const name = schemaNameOf(gvk);
  const w: Walk = { unknown: [], gvk };
  if (name) walkObject(w, obj, name, '', name.split('.').at(-1)!, { t: 'ref', ref: name });
  return w.unknown;
}

// ---------- entry points ----------

// contentType: application/json | application/yaml | application/vnd.kubernetes.protobuf (k8s\0 envelope).
// validation 'Strict' → throws StatusError 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: unknown field "spec.x", unknown field "y"` (also `duplicate field "x"`);
// 'Warn' → returns warnings [`unknown field "spec.x"`]; 'Ignore' → warns nothing.
export function decodeObject(body: Buffer, contentType: string, gvk: GVK, validation: Validation): { obj: KObject; warnings: string[] } {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  let parsed: Parsed;
  if (mediaType === 'application/json' || mediaType === '' || mediaType === 'application/apply-patch+yaml' && body.subarray(0, 1).toString() === '{') parsed = parseJsonBody(body);
  else if (mediaType === 'application/yaml' || mediaType === 'application/apply-patch+yaml') parsed = parseYamlBody(body);
  else if (mediaType === 'application/vnd.kubernetes.protobuf') parsed = { value: decodeProtobuf(body), duplicates: [] };
  else throw unsupportedMediaType(contentType);
  return finishDecode(parsed, gvk, validation);
}

export function finishDecode(parsed: Parsed, gvk: GVK, validation: Validation): { obj: KObject; warnings: string[] } {
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(v) === 'bool' ? 'bool' : jsonKind(v)} into Go value of type ${typeMetaGoType}`);
  }
  const obj = v as Record<string, unknown>;
  const want = apiVersionOf(gvk);
  if (typeof obj.apiVersion === 'string' && obj.apiVersion !== '' && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  const unknown = checkAgainstSchema(obj, gvk);
  obj.apiVersion = want;
  if (!obj.kind) obj.kind = gvk.kind;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  const problems = [...unknown.map((p) => `unknown field "${p}"`), ...parsed.duplicates.map((p) => `duplicate field "${p}"`)];
  if (validation === 'Strict' && problems.length) throw cannotHandle(gvk, `strict decoding error: ${problems.join(', ')}`);
  return { obj: obj as KObject, warnings: validation === 'Warn' ? problems : [] };
}

export { decodeProtobuf };
