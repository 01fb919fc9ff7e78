// The protobuf descriptor table (descriptors.json, written by gen-descriptors.ts) and how to find a body's
// message in it. One entry per Go struct, fields in Go declaration order (the order encoding/json prints them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../schema.js';

/**
 * [field number, JSON name, type, flags, map value type].
 * type: a scalar (`string`, `bool`, `int32`, `int64`, `uint32`, `uint64`, `double`, `float`, `bytes`), a
 * special Go type with its own JSON form (`time`, `microtime`, `duration`, `quantity`, `intstr`, `raw`,
 * `fieldsv1`), `list:<type>` (a named Go slice, sent as a message whose field 1 repeats the items), or another
 * message of the table; for maps it is the key type and [4] the value type.
 * flags: `p` Go pointer (JSON only when set), `o` omitempty, `i` embedded inline, `r` repeated, `m` map.
 */
export type FieldDesc = [number, string, string, string, string?];

export interface DescriptorTable {
  source: string;
  /** `<apiVersion>/<Kind>` → message. */
  roots: Record<string, string>;
  messages: Record<string, FieldDesc[]>;
}

let table: DescriptorTable | undefined;

export function descriptorTable(): DescriptorTable {
  table ??= JSON.parse(readFileSync(join(repoRoot(), 'src/apiserver/codec/proto/descriptors.json'), 'utf8')) as DescriptorTable;
  return table;
}

/** The message of a body's TypeMeta. DeleteOptions is registered in every group version under one Go type. */
export function rootFor(apiVersion: string, kind: string): string | undefined {
  const t = descriptorTable();
  if (kind === 'DeleteOptions') return t.roots['v1/DeleteOptions'];
  return t.roots[`${apiVersion}/${kind}`];
}
