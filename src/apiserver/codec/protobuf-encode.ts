// The other direction: an object's JSON form → the `k8s\0` protobuf body client-go's typed clients send,
// byte for byte as gogo's generated Marshal writes it (fields by ascending number; value fields always,
// pointers only when set; map entries sorted by key; zero Time as an empty message). Used by the tests to build
// request bodies; the server answers in JSON, so nothing else needs it yet.
// Upstream: gogo-generated MarshalToSizedBuffer in k8s.io/api/*/generated.pb.go, meta/v1 time_proto.go,
// api/resource/quantity_proto.go, runtime/serializer/protobuf/protobuf.go (Encode: prefix + Unknown).
import { descriptorTable, rootFor, type FieldDesc } from './proto/table.js';

const varint = (v: bigint): Buffer => {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let b = Number(u & 0x7fn);
    u >>= 7n;
    if (u) b |= 0x80;
    out.push(b);
  } while (u);
  return Buffer.from(out);
};
const key = (no: number, wire: number) => varint(BigInt((no << 3) | wire));
const lenField = (no: number, b: Buffer) => Buffer.concat([key(no, 2), varint(BigInt(b.length)), b]);

function encodeTime(v: unknown, micro: boolean): Buffer {
  if (v === null || v === undefined) return Buffer.alloc(0);
  const ms = Date.parse(String(v));
  const seconds = BigInt(Math.floor(ms / 1000));
  // Time loses sub-second digits in JSON; MicroTime keeps microseconds.
  const nanos = micro ? Number(/\.(\d{1,6})/.exec(String(v))?.[1]?.padEnd(6, '0') ?? 0) * 1000 : 0;
  return Buffer.concat([key(1, 0), varint(seconds), key(2, 0), varint(BigInt(nanos))]);
}

function encodeValue(no: number, type: string, v: unknown): Buffer {
  switch (type) {
    case 'string': return lenField(no, Buffer.from(String(v ?? ''), 'utf8'));
    case 'bytes': return lenField(no, Buffer.from(String(v ?? ''), 'base64'));
    case 'bool': return Buffer.concat([key(no, 0), varint(v ? 1n : 0n)]);
    case 'int32': case 'int64': case 'uint32': case 'uint64': return Buffer.concat([key(no, 0), varint(BigInt(Number(v ?? 0)))]);
    case 'double': { const b = Buffer.alloc(8); b.writeDoubleLE(Number(v ?? 0)); return Buffer.concat([key(no, 1), b]); }
    case 'float': { const b = Buffer.alloc(4); b.writeFloatLE(Number(v ?? 0)); return Buffer.concat([key(no, 5), b]); }
    case 'time': return lenField(no, encodeTime(v, false));
    case 'microtime': return lenField(no, encodeTime(v, true));
    case 'quantity': return lenField(no, lenField(1, Buffer.from(String(v ?? '0'))));
    case 'intstr': {
      const isStr = typeof v === 'string';
      return lenField(no, Buffer.concat([key(1, 0), varint(isStr ? 1n : 0n), key(2, 0), varint(BigInt(isStr ? 0 : Number(v ?? 0))), lenField(3, Buffer.from(isStr ? v : ''))]));
    }
    case 'raw': case 'fieldsv1': return lenField(no, v === null || v === undefined ? Buffer.alloc(0) : lenField(1, Buffer.from(JSON.stringify(v))));
    case 'duration': throw new Error('encoding Duration is not needed by the tests');
  }
  if (type.startsWith('list:')) return lenField(no, Buffer.concat(((v ?? []) as unknown[]).map((x) => encodeValue(1, type.slice(5), x))));
  return lenField(no, encodeMessage(type, (v ?? {}) as Record<string, unknown>));
}

/** One message: `obj` is its JSON form (inline members read from `obj` itself). */
export function encodeMessage(name: string, obj: Record<string, unknown>): Buffer {
  const fields = descriptorTable().messages[name];
  if (!fields) throw new Error(`no descriptor for ${name}`);
  const parts: Buffer[] = [];
  for (const [no, json, type, flags, mapValue] of [...fields].sort((a: FieldDesc, b: FieldDesc) => a[0] - b[0])) {
    const v = flags.includes('i') ? obj : obj[json];
    if (flags.includes('m')) {
      const m = (v ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(m).sort()) parts.push(lenField(no, Buffer.concat([encodeValue(1, type, k), encodeValue(2, mapValue!, m[k])])));
    } else if (flags.includes('r')) {
      for (const item of (v ?? []) as unknown[]) parts.push(encodeValue(no, type, item));
    } else if (flags.includes('p') || type === 'bytes') {
      if (v !== undefined && v !== null) parts.push(encodeValue(no, type, v)); // nil pointers and nil []byte are skipped
    } else parts.push(encodeValue(no, type, v));
  }
  return Buffer.concat(parts);
}

/** A whole request body: `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding: "", contentType: ""}. */
export function encodeProtobuf(obj: { apiVersion: string; kind: string } & Record<string, unknown>): Buffer {
  const root = rootFor(obj.apiVersion, obj.kind);
  if (!root) throw new Error(`no descriptor for ${obj.apiVersion} ${obj.kind}`);
  const typeMeta = Buffer.concat([lenField(1, Buffer.from(obj.apiVersion)), lenField(2, Buffer.from(obj.kind))]);
  const unknown = Buffer.concat([lenField(1, typeMeta), lenField(2, encodeMessage(root, obj)), lenField(3, Buffer.alloc(0)), lenField(4, Buffer.alloc(0))]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}
