// Protobuf request bodies of client-go's typed clients: the `k8s\0` envelope around a runtime.Unknown, and the
// few messages kubectl sends that way (SelfSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview,
// DeleteOptions), turned into their JSON form. A small varint/length-delimited reader plus field tables taken
// from the upstream generated.proto files is all this needs: protobufjs would need those .proto files (and
// their imports) vendored to do the same thing, and gains nothing for five fixed messages.
// Upstream: k8s.io/apimachinery/pkg/runtime/serializer/protobuf (envelope), pkg/runtime/generated.proto
// (Unknown, TypeMeta), pkg/apis/meta/v1/generated.proto (ObjectMeta, DeleteOptions, Preconditions),
// k8s.io/api/authorization/v1/generated.proto, k8s.io/api/authentication/v1/generated.proto.
import { badRequest } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';

type Wire = { no: number; type: 0 | 1 | 2 | 5; varint?: bigint; bytes?: Buffer };

/** Splits one message into its fields (wire types 0, 1, 2, 5; groups are not used by Kubernetes). */
export function readFields(buf: Buffer): Wire[] {
  const out: Wire[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('unexpected EOF');
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
      if (shift > 63n) throw new Error('varint overflow');
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const type = key & 7;
    if (type === 0) out.push({ no, type, varint: varint() });
    else if (type === 2) {
      const len = Number(varint());
      if (i + len > buf.length) throw new Error('unexpected EOF');
      out.push({ no, type, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (type === 1) { out.push({ no, type, bytes: buf.subarray(i, i + 8) }); i += 8; }
    else if (type === 5) { out.push({ no, type, bytes: buf.subarray(i, i + 4) }); i += 4; }
    else throw new Error(`illegal wireType ${type} for field ${no}`);
  }
  return out;
}

// A message is a table: field number → [json name, kind, nested message, repeated].
type Kind = 'string' | 'int' | 'bool' | 'bytes' | 'msg' | 'time' | 'map';
type Msg = Record<number, [string, Kind, Msg?, boolean?]>;

const preconditions: Msg = { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] };
const ownerReference: Msg = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const objectMeta: Msg = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 5: ['uid', 'string'],
  6: ['resourceVersion', 'string'], 7: ['generation', 'int'], 8: ['creationTimestamp', 'time'], 9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'], 11: ['labels', 'map'], 12: ['annotations', 'map'],
  13: ['ownerReferences', 'msg', ownerReference, true], 14: ['finalizers', 'string', undefined, true],
};
const resourceAttributes: Msg = {
  1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'],
  5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string'],
};
const nonResourceAttributes: Msg = { 1: ['path', 'string'], 2: ['verb', 'string'] };
const ssarSpec: Msg = { 1: ['resourceAttributes', 'msg', resourceAttributes], 2: ['nonResourceAttributes', 'msg', nonResourceAttributes] };
const ssrrSpec: Msg = { 1: ['namespace', 'string'] };

const messages: Record<string, Msg> = {
  SelfSubjectAccessReview: { 1: ['metadata', 'msg', objectMeta], 2: ['spec', 'msg', ssarSpec] },
  SelfSubjectRulesReview: { 1: ['metadata', 'msg', objectMeta], 2: ['spec', 'msg', ssrrSpec] },
  SelfSubjectReview: { 1: ['metadata', 'msg', objectMeta] },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int'], 2: ['preconditions', 'msg', preconditions], 3: ['orphanDependents', 'bool'],
    4: ['propagationPolicy', 'string'], 5: ['dryRun', 'string', undefined, true],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool'],
  },
};

const str = (b: Buffer | undefined) => (b ?? Buffer.alloc(0)).toString('utf8');
const int64 = (v: bigint | undefined) => Number(BigInt.asIntN(64, v ?? 0n));

/** Decodes one message into JSON with Go's omitempty rules (empty strings, zero numbers, false and empty structs vanish),
 *  except for pointer fields that kubectl sets explicitly (gracePeriodSeconds, orphanDependents). */
function decodeMsg(buf: Buffer, msg: Msg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = msg[f.no];
    if (!spec) continue;
    const [name, kind, sub, repeated] = spec;
    let v: unknown;
    switch (kind) {
      case 'string': v = str(f.bytes); if (v === '' && !repeated) continue; break;
      case 'int': v = int64(f.varint); if (v === 0 && name !== 'gracePeriodSeconds') continue; break;
      case 'bool': v = f.varint !== 0n; if (v === false && name !== 'orphanDependents') continue; break;
      case 'bytes': v = (f.bytes ?? Buffer.alloc(0)).toString('base64'); break;
      case 'time': {
        const t = decodeMsg(f.bytes!, { 1: ['seconds', 'int'], 2: ['nanos', 'int'] }) as { seconds?: number };
        if (!t.seconds) continue;
        v = new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      }
      case 'map': {
        const e = decodeMsg(f.bytes!, { 1: ['key', 'string'], 2: ['value', 'string'] }) as { key?: string; value?: string };
        const m = (out[name] ??= {}) as Record<string, string>;
        m[e.key ?? ''] = e.value ?? '';
        continue;
      }
      case 'msg': {
        v = decodeMsg(f.bytes!, sub!);
        if (!repeated && Object.keys(v as object).length === 0 && name !== 'metadata') continue;
        break;
      }
    }
    if (repeated) ((out[name] ??= []) as unknown[]).push(v);
    else out[name] = v;
  }
  return out;
}

const MAGIC = Buffer.from('k8s\0', 'latin1');

// Protobuf bodies of typed clients (SSAR, SSRR, SelfSubjectReview, DeleteOptions) → their JSON form.
export function decodeProtobuf(body: Buffer): KObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest('provided object is not a valid protobuf message: missing k8s\\0 prefix');
  }
  try {
    const unknown = readFields(body.subarray(4));
    const typeMeta = unknown.find((f) => f.no === 1)?.bytes;
    const tm = typeMeta ? decodeMsg(typeMeta, { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }) : {};
    const raw = unknown.find((f) => f.no === 2)?.bytes ?? Buffer.alloc(0);
    const kind = String(tm.kind ?? '');
    const msg = messages[kind];
    if (!msg) throw badRequest(`no kind "${kind}" is registered for the protobuf decoder in version "${String(tm.apiVersion ?? '')}"`);
    const obj = decodeMsg(raw, msg);
    const out: KObject = { kind, apiVersion: String(tm.apiVersion ?? ''), metadata: {}, ...obj } as KObject;
    if (kind === 'DeleteOptions') delete (out as { metadata?: unknown }).metadata;
    return out;
  } catch (e) {
    if (e instanceof Error && e.name === 'StatusError') throw e;
    throw badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
}
