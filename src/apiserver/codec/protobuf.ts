// Protobuf request bodies of client-go's typed clients (kubectl create configmap/secret/deployment/…, auth
// can-i, drain's DeleteOptions): the `k8s\0` envelope around a runtime.Unknown whose raw bytes are the object,
// turned into the JSON the apiserver would print for the Go struct the bytes decode into. Field numbers and
// Go-side facts (pointer, omitempty, inline) come from the descriptor table in proto/ (see proto/table.ts).
// Upstream: k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go (envelope, Decode),
// pkg/runtime/generated.proto (Unknown, TypeMeta), gogo-generated Unmarshal in k8s.io/api/*/generated.pb.go,
// encoding/json (omitempty, embedded structs, sorted map keys), meta/v1 time_proto.go, micro_time_proto.go,
// api/resource/quantity_proto.go, util/intstr/intstr.go (MarshalJSON), runtime/extension.go.
import { badRequest, StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import { readFields, readPackedVarints, type Wire } from './protobuf-wire.js';
import { descriptorTable, rootFor } from './proto/table.js';

export { readFields } from './protobuf-wire.js';

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** A decode failure inside the object (the handler wraps it into `<Kind> … cannot be handled as a <Kind>`). */
class ProtoError extends Error {}

const SCALAR_WIRE: Record<string, number> = { string: 2, bytes: 2, bool: 0, int32: 0, int64: 0, uint32: 0, uint64: 0, double: 1, float: 5 };

function safe(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtoError(`value ${v} of field ${field} is outside the range JSON numbers keep exactly`);
  }
  return Number(v);
}

/** One scalar occurrence → its JSON value. */
function scalar(type: string, w: Wire, field: string): unknown {
  if (w.type !== SCALAR_WIRE[type]) throw new ProtoError(`proto: wrong wireType = ${w.type} for field ${field}`);
  switch (type) {
    case 'string': return w.bytes!.toString('utf8');
    case 'bytes': return w.bytes!.toString('base64');
    case 'bool': return w.varint !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, w.varint!));
    case 'uint32': return Number(BigInt.asUintN(32, w.varint!));
    case 'int64': return safe(BigInt.asIntN(64, w.varint!), field);
    case 'uint64': return safe(BigInt.asUintN(64, w.varint!), field);
    case 'double': return w.bytes!.readDoubleLE(0);
    case 'float': return w.bytes!.readFloatLE(0);
  }
  throw new ProtoError(`unsupported scalar type ${type}`);
}

// ---------- Go types with their own JSON form ----------

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** metav1.Time (RFC 3339, seconds; the protobuf nanos are dropped on decode) and MicroTime (6 decimals). */
function formatTime(buf: Buffer, micro: boolean, field: string): string | null {
  if (buf.length === 0) return null; // Time.Marshal writes nothing for the zero time; JSON prints null
  let seconds = 0n, nanos = 0;
  for (const w of readFields(buf)) {
    if (w.no === 1) seconds = BigInt.asIntN(64, w.varint ?? 0n);
    if (w.no === 2) nanos = Number(BigInt.asIntN(32, w.varint ?? 0n));
  }
  const ms = safe(seconds, field) * 1000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (Number.isNaN(ms) || year < 0 || year > 9999) throw new ProtoError('Time.MarshalJSON: year outside of range [0,9999]');
  const base = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.trunc(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** Go's time.Duration.String(): 1h2m3.5s, 1.5ms, 10µs, 0s. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const frac = (v: bigint, digits: number) => {
    const s = v.toString().padStart(digits, '0').replace(/0+$/, '');
    return s ? `.${s}` : '';
  };
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${u / 1000n}${frac(u % 1000n, 3)}µs`;
    else out = `${u / 1_000_000n}${frac(u % 1_000_000n, 6)}ms`;
  } else {
    const secs = u / 1_000_000_000n;
    const s = `${secs % 60n}${frac(u % 1_000_000_000n, 9)}s`;
    u = secs / 60n;
    if (u === 0n) out = s;
    else if (u < 60n) out = `${u}m${s}`;
    else out = `${u / 60n}h${u % 60n}m${s}`;
  }
  return neg ? `-${out}` : out;
}

function special(type: string, buf: Buffer, field: string): unknown {
  const fields = () => readFields(buf);
  const last = (no: number) => fields().filter((w) => w.no === no).at(-1);
  switch (type) {
    case 'time': return formatTime(buf, false, field);
    case 'microtime': return formatTime(buf, true, field);
    case 'quantity': { // the string form; the decoder canonicalises it (and rejects bad ones) like JSON bodies
      const s = last(1);
      return s ? s.bytes!.toString('utf8') : '0';
    }
    case 'intstr': {
      let kind = 0n, intVal = 0, strVal = '';
      for (const w of fields()) {
        if (w.no === 1) kind = w.varint ?? 0n;
        if (w.no === 2) intVal = Number(BigInt.asIntN(32, w.varint ?? 0n));
        if (w.no === 3) strVal = (w.bytes ?? Buffer.alloc(0)).toString('utf8');
      }
      if (kind === 0n) return intVal;
      if (kind === 1n) return strVal;
      throw new ProtoError(`impossible IntOrString.Type`);
    }
    case 'duration': return goDuration(BigInt.asIntN(64, last(1)?.varint ?? 0n));
    case 'raw': case 'fieldsv1': { // both print their raw bytes, which typed clients fill with JSON
      const raw = last(1)?.bytes;
      if (!raw || raw.length === 0) return null;
      if (raw.subarray(0, 4).equals(MAGIC)) return decodeProtobuf(raw);
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ProtoError(`${field}: embedded object is neither JSON nor a k8s protobuf message`);
      }
    }
  }
  return undefined;
}

const SPECIAL = new Set(['time', 'microtime', 'quantity', 'intstr', 'duration', 'raw', 'fieldsv1']);

// ---------- messages ----------

/** The JSON of a Go zero value of `type`, as encoding/json prints it (nil slices, maps and []byte are null). */
function zeroValue(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes' || type.startsWith('list:')) return null;
  if (type in SCALAR_WIRE) return 0;
  if (SPECIAL.has(type)) return special(type, Buffer.alloc(0), type);
  return decodeMessage(Buffer.alloc(0), type);
}

/** encoding/json's omitempty: false, 0, "", and empty slices/maps; structs are never empty. */
function isEmpty(type: string, v: unknown): boolean {
  if (type === 'bytes' || type.startsWith('list:')) return v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (type in SCALAR_WIRE) return v === '' || v === 0 || v === false;
  return false;
}

/** One non-repeated value from all its occurrences: the last scalar wins, messages merge (as proto does). */
function value(type: string, ws: Wire[], field: string): unknown {
  if (type in SCALAR_WIRE) return scalar(type, ws.at(-1)!, field);
  for (const w of ws) if (w.type !== 2) throw new ProtoError(`proto: wrong wireType = ${w.type} for field ${field}`);
  const buf = ws.length === 1 ? ws[0]!.bytes! : Buffer.concat(ws.map((w) => w.bytes!));
  if (type.startsWith('list:')) {
    const itemType = type.slice(5);
    return readFields(buf).filter((w) => w.no === 1).map((w) => value(itemType, [w], field));
  }
  if (SPECIAL.has(type)) return special(type, buf, field);
  return decodeMessage(buf, type);
}

/** Repeated scalars may arrive packed (one length-delimited field) or one by one. */
function repeated(type: string, ws: Wire[], field: string): unknown[] {
  const out: unknown[] = [];
  for (const w of ws) {
    if (w.type === 2 && SCALAR_WIRE[type] === 0) for (const v of readPackedVarints(w.bytes!)) out.push(scalar(type, { no: w.no, type: 0, varint: v }, field));
    else out.push(value(type, [w], field));
  }
  return out;
}

function decodeMap(keyType: string, valueType: string, ws: Wire[], field: string): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const w of ws) {
    if (w.type !== 2) throw new ProtoError(`proto: wrong wireType = ${w.type} for field ${field}`);
    const f = readFields(w.bytes!);
    const k = f.filter((x) => x.no === 1);
    const v = f.filter((x) => x.no === 2);
    const key = k.length ? String(scalar(keyType, k.at(-1)!, field)) : String(zeroValue(keyType));
    entries.push([key, v.length ? value(valueType, v, field) : zeroValue(valueType)]);
  }
  // encoding/json prints map keys sorted (byte order); later duplicates win, as in the Go map.
  const m = new Map(entries);
  const out: Record<string, unknown> = {};
  for (const k of [...m.keys()].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))) {
    Object.defineProperty(out, k, { value: m.get(k), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * One message → the JSON of the Go struct it decodes into: fields in struct order; pointers only when sent
 * (null without omitempty); value fields always (their zero value when not sent), unless omitempty and empty;
 * inline embedded structs spliced into their parent. Unknown field numbers are skipped, as gogo does.
 */
function decodeMessage(buf: Buffer, name: string): Record<string, unknown> {
  const fields = descriptorTable().messages[name];
  if (!fields) throw new ProtoError(`no descriptor for message ${name}`);
  const byNo = new Map<number, Wire[]>();
  for (const w of buf.length ? readFields(buf) : []) {
    const list = byNo.get(w.no);
    if (list) list.push(w);
    else byNo.set(w.no, [w]);
  }
  const out: Record<string, unknown> = {};
  for (const [no, json, type, flags, mapValue] of fields) {
    const ws = byNo.get(no) ?? [];
    const pointer = flags.includes('p');
    const omitempty = flags.includes('o');
    let v: unknown;
    if (flags.includes('m') || flags.includes('r')) {
      if (ws.length === 0) {
        if (!omitempty) out[json] = null;
        continue;
      }
      v = flags.includes('m') ? decodeMap(type, mapValue!, ws, json) : repeated(type, ws, json);
    } else if (ws.length === 0) {
      if (pointer) {
        if (!omitempty && !flags.includes('i')) out[json] = null;
        continue;
      }
      v = zeroValue(type);
    } else v = value(type, ws, json);
    if (!pointer && omitempty && isEmpty(type, v)) continue;
    if (flags.includes('i')) Object.assign(out, v);
    else out[json] = v;
  }
  return out;
}

// ---------- the envelope ----------

/**
 * A `k8s\0` + runtime.Unknown body → the object's JSON form, with apiVersion and kind from the envelope's
 * TypeMeta. Throws 400 for a missing prefix, a truncated or malformed message, or a kind without descriptor.
 */
export function decodeProtobuf(body: Buffer): KObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest('provided object is not a valid protobuf message: missing k8s\\0 prefix');
  }
  let apiVersion = '', kind = '';
  let raw: Buffer;
  try {
    const unknown = readFields(body.subarray(4));
    const typeMeta = unknown.filter((f) => f.no === 1 && f.type === 2).at(-1)?.bytes;
    for (const f of typeMeta ? readFields(typeMeta) : []) {
      if (f.no === 1 && f.bytes) apiVersion = f.bytes.toString('utf8');
      if (f.no === 2 && f.bytes) kind = f.bytes.toString('utf8');
    }
    raw = unknown.filter((f) => f.no === 2 && f.type === 2).at(-1)?.bytes ?? Buffer.alloc(0);
  } catch (e) {
    throw badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  const root = rootFor(apiVersion, kind);
  if (!root) throw badRequest(`no kind "${kind}" is registered for the protobuf decoder in version "${apiVersion}"`);
  try {
    return { kind, apiVersion, ...decodeMessage(raw, root) } as KObject;
  } catch (e) {
    if (e instanceof StatusError) throw e;
    const version = apiVersion.split('/').at(-1);
    // Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go, transformDecodeError
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${(e as Error).message}`);
  }
}
