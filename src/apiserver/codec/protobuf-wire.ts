// The protobuf wire format, as far as Kubernetes messages use it: varints, 64/32-bit fixed values and
// length-delimited fields (groups are never used). Kept apart from the decoder so the descriptor generator can
// read the FileDescriptorProtos embedded in kubectl with the same code.
// Upstream: https://protobuf.dev/programming-guides/encoding/

export type Wire = { no: number; type: 0 | 1 | 2 | 5; varint?: bigint; bytes?: Buffer };

/** Splits one message into its fields in wire order. Throws `unexpected EOF` on truncated input. */
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
  const take = (len: number): Buffer => {
    if (len < 0 || i + len > buf.length) throw new Error('unexpected EOF');
    const b = buf.subarray(i, i + len);
    i += len;
    return b;
  };
  while (i < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const type = Number(key & 7n);
    if (no === 0) throw new Error('illegal tag 0');
    if (type === 0) out.push({ no, type, varint: varint() });
    else if (type === 2) out.push({ no, type, bytes: take(Number(varint())) });
    else if (type === 1) out.push({ no, type, bytes: take(8) });
    else if (type === 5) out.push({ no, type, bytes: take(4) });
    else throw new Error(`illegal wireType ${type} for field ${no}`);
  }
  return out;
}

/** The varints of a packed repeated scalar field. */
export function readPackedVarints(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  let v = 0n, shift = 0n;
  for (const b of buf) {
    v |= BigInt(b & 0x7f) << shift;
    if (b & 0x80) { shift += 7n; continue; }
    out.push(v);
    v = 0n; shift = 0n;
  }
  if (shift) throw new Error('unexpected EOF');
  return out;
}
