// Writes descriptors.json: for every built-in kind the API server serves (allKinds) plus the few other bodies
// typed clients send (DeleteOptions, Eviction, Scale, TokenRequest, Binding), the protobuf field table of each
// message reachable from it, in Go struct order.
//
// Source: the kubectl binary itself (v1.32, i.e. client-go v0.32). Its Go type data holds every API struct
// with its `protobuf:"…"` tag (field number, name) and `json:"…"` tag (JSON name, omitempty, inline), and
// its field types say what generated.proto cannot: which fields are pointers (present only when set) and
// which value structs are embedded inline. The gzipped FileDescriptorProtos that client-go registers
// (the compiled generated.proto files) are in the same binary; every field of the table is checked against
// them, so a wrong number or type stops the script.
//
// Run: node --import tsx src/apiserver/codec/proto/gen-descriptors.ts [/path/to/kubectl]
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, constants as zc } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allKinds } from '../../../registry/kinds/index.js';
import { readFields } from '../protobuf-wire.js';
import { readGoStructs, type GoType } from './go-types.js';
import type { DescriptorTable, FieldDesc } from './table.js';

const API = 'k8s.io/api/';
const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';

// Go types with their own JSON form (custom MarshalJSON): decoded by name, not field by field.
const SPECIAL: Record<string, string> = {
  [`${META}.Time`]: 'time',
  [`${META}.MicroTime`]: 'microtime',
  [`${META}.Duration`]: 'duration',
  [`${META}.FieldsV1`]: 'fieldsv1',
  'k8s.io/apimachinery/pkg/api/resource.Quantity': 'quantity',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString': 'intstr',
  'k8s.io/apimachinery/pkg/runtime.RawExtension': 'raw',
};

const SCALARS: Partial<Record<GoType['kind'], string>> = {
  bool: 'bool', int32: 'int32', int64: 'int64', uint32: 'uint32', uint64: 'uint64', float64: 'double', float32: 'float', string: 'string',
};

/** `k8s.io/api/core/v1.PodSpec` → `core/v1.PodSpec`, `…/apis/meta/v1.ObjectMeta` → `meta/v1.ObjectMeta`. */
const short = (goName: string) => goName.replace(API, '').replace('k8s.io/apimachinery/pkg/apis/', '').replace('k8s.io/apimachinery/pkg/', '');

/** `core/v1.PodSpec` → the proto message name `k8s.io.api.core.v1.PodSpec`. */
function protoName(goName: string): string {
  const dot = goName.lastIndexOf('.');
  return `${goName.slice(0, dot).replaceAll('/', '.')}.${goName.slice(dot + 1)}`;
}

const pkgOfGroup = (group: string) => (group === '' ? 'core' : group.replace(/\.k8s\.io$/, ''));

function build(kubectl: string): DescriptorTable {
  const structs = readGoStructs(kubectl);
  const roots: Record<string, string> = {};
  const rootTypes = new Set<GoType>();
  const addRoot = (apiVersion: string, kind: string, goName: string) => {
    const t = structs.get(goName);
    if (!t) throw new Error(`no Go struct ${goName} in ${kubectl}`);
    roots[`${apiVersion}/${kind}`] = short(goName);
    rootTypes.add(t);
  };
  for (const k of allKinds) {
    const { group, version, kind } = k.names;
    addRoot(group ? `${group}/${version}` : version, kind, `${API}${pkgOfGroup(group)}/${version}.${kind}`);
  }
  addRoot('v1', 'DeleteOptions', `${META}.DeleteOptions`); // any apiVersion: see table.ts rootFor
  addRoot('policy/v1', 'Eviction', `${API}policy/v1.Eviction`); // kubectl drain
  addRoot('autoscaling/v1', 'Scale', `${API}autoscaling/v1.Scale`); // scale subresource
  addRoot('authentication.k8s.io/v1', 'TokenRequest', `${API}authentication/v1.TokenRequest`); // kubectl create token
  addRoot('v1', 'Binding', `${API}core/v1.Binding`); // pods/binding

  const messages: DescriptorTable['messages'] = {};
  const typeOf = (t: GoType): string => {
    if (t.name && SPECIAL[t.name]) return SPECIAL[t.name]!;
    if (t.kind === 'slice' && t.elem?.kind === 'uint8') return 'bytes';
    if (t.kind === 'slice' && t.name) return `list:${typeOf(t.elem!)}`; // ExtraValue: message { repeated items = 1 }
    if (t.kind === 'struct') { visit(t); return short(t.name!); }
    const s = SCALARS[t.kind];
    if (!s) throw new Error(`unsupported Go type ${t.kind} ${t.name ?? ''}`);
    return s;
  };
  const visit = (t: GoType) => {
    const name = short(t.name!);
    if (messages[name]) return;
    const fields: FieldDesc[] = [];
    messages[name] = fields;
    for (const f of t.fields ?? []) {
      const pb = /(?:^| )protobuf:"([^"]*)"/.exec(f.tag)?.[1];
      if (!pb || pb === '-') continue;
      const json = /(?:^| )json:"([^"]*)"/.exec(f.tag)?.[1] ?? '';
      const [jsonName, ...opts] = json.split(',');
      if (jsonName === '-') continue;
      const no = Number(pb.split(',')[1]);
      let flags = '';
      let ft = f.type;
      if (ft.kind === 'ptr') { flags += 'p'; ft = ft.elem!; }
      if (opts.includes('omitempty')) flags += 'o';
      if (opts.includes('inline') || (!jsonName && f.embedded)) flags += 'i';
      let type: string;
      let mapValue: string | undefined;
      if (ft.kind === 'map') { flags += 'm'; type = typeOf(ft.key!); mapValue = typeOf(ft.elem!); }
      else if (ft.kind === 'slice' && !ft.name && ft.elem!.kind !== 'uint8') { flags += 'r'; type = typeOf(ft.elem!.kind === 'ptr' ? ft.elem!.elem! : ft.elem!); }
      else type = typeOf(ft);
      const d: FieldDesc = [no, jsonName || f.name, type, flags];
      if (mapValue) d.push(mapValue);
      fields.push(d);
    }
  };
  for (const t of rootTypes) visit(t);
  checkAgainstDescriptors(kubectl, messages);
  return { source: 'kubectl v1.32 (client-go v0.32): Go struct tags + embedded generated.proto descriptors', roots, messages };
}

// ---------- cross-check with the compiled generated.proto files ----------

interface ProtoField { name: string; number: number; repeated: boolean; type: number; typeName: string }

/** The FileDescriptorProtos client-go registers, gzipped, by gogo's `proto.RegisterFile`. */
function embeddedDescriptors(kubectl: string): Map<string, ProtoField[]> {
  const bin = readFileSync(kubectl);
  const gz = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x02, 0xff]);
  const out = new Map<string, ProtoField[]>();
  const str = (b?: Buffer) => (b ?? Buffer.alloc(0)).toString('utf8');
  const addMessages = (prefix: string, msgs: Buffer[]) => {
    for (const m of msgs) {
      const f = readFields(m);
      const name = `${prefix}.${str(f.find((x) => x.no === 1)?.bytes)}`;
      const fields = f.filter((x) => x.no === 2).map((x) => {
        const g = readFields(x.bytes!);
        const get = (n: number) => g.find((y) => y.no === n);
        return { name: str(get(1)?.bytes), number: Number(get(3)?.varint), repeated: get(4)?.varint === 3n, type: Number(get(5)?.varint), typeName: str(get(6)?.bytes) };
      });
      out.set(name, fields);
      addMessages(name, f.filter((x) => x.no === 3).map((x) => x.bytes!));
    }
  };
  for (let i = bin.indexOf(gz); i >= 0; i = bin.indexOf(gz, i + 1)) {
    let fd: ReturnType<typeof readFields>;
    try {
      fd = readFields(gunzipSync(bin.subarray(i, i + (1 << 20)), { finishFlush: zc.Z_SYNC_FLUSH }));
    } catch { continue; }
    const file = str(fd.find((x) => x.no === 1)?.bytes);
    if (!file.startsWith('k8s.io/')) continue;
    addMessages(`.${str(fd.find((x) => x.no === 2)?.bytes)}`, fd.filter((x) => x.no === 4).map((x) => x.bytes!));
  }
  return out;
}

// FieldDescriptorProto.Type numbers
const PROTO_TYPE: Record<string, number> = { double: 1, float: 2, int64: 3, uint64: 4, int32: 5, bool: 8, string: 9, bytes: 12, uint32: 13 };

function checkAgainstDescriptors(kubectl: string, messages: DescriptorTable['messages']): void {
  const protos = embeddedDescriptors(kubectl);
  console.log(`checking the table against ${protos.size} proto messages`);
  const problems: string[] = [];
  const expectType = (what: string, t: string, pf: ProtoField | undefined) => {
    if (!pf) return problems.push(`${what}: missing`);
    const want = PROTO_TYPE[t];
    if (want !== undefined ? pf.type !== want : pf.type !== 11) problems.push(`${what}: ${t} vs proto type ${pf.type} ${pf.typeName}`);
  };
  for (const [msg, fields] of Object.entries(messages)) {
    const goName = msg.startsWith('meta/') ? `k8s.io/apimachinery/pkg/apis/${msg}` : API + msg;
    const pm = protos.get(`.${protoName(goName)}`);
    if (!pm) { problems.push(`${msg}: no proto message`); continue; }
    for (const [no, json, type, flags, mapValue] of fields) {
      const pf = pm.find((p) => p.number === no);
      const what = `${msg}.${json}(${no})`;
      if (!pf) { problems.push(`${what}: not in proto`); continue; }
      if ((flags.includes('r') || flags.includes('m')) !== pf.repeated) problems.push(`${what}: repeated mismatch`);
      if (flags.includes('m')) {
        const entry = protos.get(pf.typeName);
        expectType(`${what} key`, type, entry?.find((p) => p.number === 1));
        expectType(`${what} value`, mapValue!, entry?.find((p) => p.number === 2));
      } else expectType(what, type, pf);
    }
    const covered = new Set(fields.map((f) => f[0]));
    for (const pf of pm) if (!covered.has(pf.number)) problems.push(`${msg}: proto field ${pf.name}=${pf.number} has no Go field`);
  }
  if (problems.length) throw new Error(`descriptor table disagrees with generated.proto:\n${problems.join('\n')}`);
}

const here = dirname(fileURLToPath(import.meta.url));
const table = build(process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32');
// One message per line: small diffs when a kind is added.
const lines = Object.entries(table.messages).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
writeFileSync(join(here, 'descriptors.json'), `{\n  "source": ${JSON.stringify(table.source)},\n  "roots": ${JSON.stringify(table.roots, null, 4).replace(/\n}$/, '\n  }')},\n  "messages": {\n${lines.join(',\n')}\n  }\n}\n`);
console.log(`${Object.keys(table.roots).length} roots, ${lines.length} messages → ${join(here, 'descriptors.json')}`);
