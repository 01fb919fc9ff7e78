// Reads the Go runtime type data of a stripped Go (1.20–1.23) linux/amd64 executable: every struct type
// reachable from the module's typelinks, with its fields' names, struct tags and types. Run against the
// kubectl binary this yields the exact Go structs of client-go's k8s.io/api and k8s.io/apimachinery, whose
// `protobuf:"…"` tags are the generated.proto field numbers and whose `json:"…"` tags say how the apiserver
// prints them. Used only by gen-descriptors.ts (a build-time script), never at run time.
// Upstream: go/src/internal/abi/type.go (Type, PtrType, SliceType, MapType, StructType, Name, UncommonType),
// go/src/runtime/symtab.go (moduledata), go/src/runtime/type.go (typelinks).
import { readFileSync } from 'node:fs';

export type GoKind =
  | 'bool' | 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float32' | 'float64' | 'array' | 'interface' | 'map' | 'ptr' | 'slice' | 'string' | 'struct' | 'other';

/** A Go type as far as the descriptor table needs it. `name` is `<import path>.<Name>` for named types. */
export interface GoType {
  kind: GoKind;
  name?: string;
  elem?: GoType; // ptr, slice, array, map value
  key?: GoType; // map
  fields?: GoField[]; // struct (filled in lazily, so recursive types terminate)
}
export interface GoField { name: string; tag: string; embedded: boolean; type: GoType }

const KINDS: Record<number, GoKind> = {
  1: 'bool', 2: 'int', 3: 'int8', 4: 'int16', 5: 'int32', 6: 'int64', 7: 'uint', 8: 'uint8', 9: 'uint16',
  10: 'uint32', 11: 'uint64', 13: 'float32', 14: 'float64', 17: 'array', 20: 'interface', 21: 'map', 22: 'ptr',
  23: 'slice', 24: 'string', 25: 'struct',
};
const TFLAG_UNCOMMON = 1, TFLAG_EXTRA_STAR = 2, TFLAG_NAMED = 4;

/** All named struct types of the binary, by `<import path>.<Name>`. */
export function readGoStructs(path: string): Map<string, GoType> {
  const bin = readFileSync(path);
  if (bin.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path}: not an ELF file`);
  // Go's linker maps every loadable section at file offset + the image base (0x400000 on linux/amd64).
  const BASE = 0x400000;
  const u64 = (va: number) => Number(bin.readBigUInt64LE(va - BASE));
  const i32 = (va: number) => bin.readInt32LE(va - BASE);
  const u8 = (va: number) => bin[va - BASE]!;

  // moduledata starts with a pointer to the pclntab header (magic 0xfffffff1 since Go 1.20).
  const pcVA = bin.indexOf(Buffer.from([0xf1, 0xff, 0xff, 0xff, 0, 0])) + BASE;
  const needle = Buffer.alloc(8);
  needle.writeBigUInt64LE(BigInt(pcVA));
  let md = -1;
  for (let i = bin.indexOf(needle); i >= 0 && md < 0; i = bin.indexOf(needle, i + 1)) {
    if (u64(i + BASE + 176) === 0x401000) md = i + BASE; // moduledata.text is the start of .text
  }
  if (md < 0) throw new Error(`${path}: Go moduledata not found`);
  const types = u64(md + 296);
  const typelinks = u64(md + 352), ntypelinks = u64(md + 360);

  const varint = (p: number): [number, number] => {
    let v = 0, shift = 0;
    for (;;) { const b = u8(p++); v |= (b & 0x7f) << shift; if (!(b & 0x80)) return [v, p]; shift += 7; }
  };
  const readName = (va: number) => {
    const flags = u8(va);
    let [len, p] = varint(va + 1);
    const name = bin.toString('latin1', p - BASE, p - BASE + len);
    p += len;
    let tag = '';
    if (flags & 2) { [len, p] = varint(p); tag = bin.toString('latin1', p - BASE, p - BASE + len); }
    return { name, tag, embedded: (flags & 8) !== 0 };
  };

  const byAddr = new Map<number, GoType>();
  const structs = new Map<string, GoType>();
  const pending: Array<[number, GoType]> = [];
  const typeAt = (t: number): GoType => {
    const known = byAddr.get(t);
    if (known) return known;
    const kind = KINDS[u8(t + 23) & 31] ?? 'other';
    const tflag = u8(t + 20);
    const g: GoType = { kind };
    byAddr.set(t, g);
    if (tflag & TFLAG_NAMED) {
      let str = readName(types + i32(t + 40)).name;
      if (tflag & TFLAG_EXTRA_STAR) str = str.slice(1);
      const short = str.slice(str.lastIndexOf('.') + 1);
      // A struct's import path is in its uncommon section, after StructType (80 bytes); other named types keep
      // the package-qualified string (v1.ExtraValue), which is all the table needs of them.
      const pkg = kind === 'struct' && tflag & TFLAG_UNCOMMON ? readName(types + i32(t + 80)).name : '';
      g.name = pkg ? `${pkg}.${short}` : str;
    }
    if (kind === 'ptr' || kind === 'slice' || kind === 'array') g.elem = typeAt(u64(t + 48));
    else if (kind === 'map') { g.key = typeAt(u64(t + 48)); g.elem = typeAt(u64(t + 56)); }
    else if (kind === 'struct') pending.push([t, g]);
    const ptrToThis = i32(t + 44); // reaches named types that only typelinks' pointer types lead to
    if (ptrToThis) typeAt(types + ptrToThis);
    return g;
  };
  const fillStruct = (t: number, g: GoType) => {
    const fp = u64(t + 56), n = u64(t + 64);
    g.fields = [];
    for (let i = 0; i < n; i++) {
      const f = fp + i * 24;
      const nm = readName(u64(f));
      g.fields.push({ name: nm.name, tag: nm.tag, embedded: nm.embedded, type: typeAt(u64(f + 8)) });
    }
    if (g.name) structs.set(g.name, g);
  };
  for (let i = 0; i < ntypelinks; i++) {
    const t = types + i32(typelinks + i * 4);
    typeAt(t);
    while (pending.length) { const [a, g] = pending.pop()!; fillStruct(a, g); }
  }
  return structs;
}
