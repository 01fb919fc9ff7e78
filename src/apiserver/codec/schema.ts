// The compact field schemas scripts/gen-openapi.ts writes to generated/field-schemas.json: for each upstream
// schema name, its properties and their types. The decoder (unknown fields, quantities), the strategic merge
// patch engine and server-side apply walk objects with it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FieldType =
  | { t: 'string' | 'integer' | 'number' | 'boolean' | 'quantity' | 'intOrString' | 'time' | 'microTime' | 'any' }
  | { t: 'ref'; ref: string }
  | { t: 'array'; items: FieldType }
  | { t: 'map'; values: FieldType };

export interface TypeSchema {
  props: Record<string, FieldType>;
  /** An object whose fields are free-form (FieldsV1, RawExtension): no unknown-field checks below it. */
  free?: boolean;
}

export type FieldSchemas = Record<string, TypeSchema>;

/** The repository root: the nearest folder above this module holding package.json (works from src/ and dist/src/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('stowage: cannot find the repository root (package.json)');
    dir = up;
  }
  return dir;
}

export const generatedDir = (): string => join(repoRoot(), 'generated');

let cached: FieldSchemas | undefined;

export function fieldSchemas(): FieldSchemas {
  if (!cached) {
    const file = join(generatedDir(), 'field-schemas.json');
    if (!existsSync(file)) throw new Error(`stowage: ${file} is missing; run \`npm run setup\` (it runs scripts/gen-openapi)`);
    cached = JSON.parse(readFileSync(file, 'utf8')) as FieldSchemas;
  }
  return cached;
}

/** The schema of a referenced type, or undefined for types not in the table. */
export function typeSchema(name: string | undefined): TypeSchema | undefined {
  return name === undefined ? undefined : fieldSchemas()[name];
}
