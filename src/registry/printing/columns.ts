// Helpers to declare server-side Table columns the way upstream's printers do. Descriptions come from the
// API's own field documentation (upstream uses SwaggerDoc(), which is the same text as the OpenAPI
// descriptions), read lazily from the generated OpenAPI documents so importing a kind stays cheap.
// Upstream: pkg/printers/internalversion/printers.go (AddHandlers).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnDefinition } from '../types.js';
import { ageCell } from '../../api/duration.js';

export const NAME_DESCRIPTION = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

let schemas: Record<string, { properties?: Record<string, { description?: string }> }> | undefined;

function findOpenAPIDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'generated', 'openapi');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

function loadSchemas(): NonNullable<typeof schemas> {
  if (schemas) return schemas;
  schemas = {};
  const dir = findOpenAPIDir();
  if (!dir) return schemas;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json') || f === 'manifest.json') continue;
    try {
      const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { components?: { schemas?: typeof schemas } };
      Object.assign(schemas, doc.components?.schemas ?? {});
    } catch { /* a partial document only costs descriptions */ }
  }
  return schemas;
}

/** The documentation of `schema.field` (SwaggerDoc()[field]), or "" if unknown. */
export function swaggerDoc(schema: string, field: string): string {
  return loadSchemas()[schema]?.properties?.[field]?.description ?? '';
}

/** A column whose description is resolved on first read (JSON.stringify reads getters). */
function lazyColumn(name: string, type: ColumnDefinition['type'], priority: number, describe: () => string, format = ''): ColumnDefinition {
  let cached: string | undefined;
  return {
    name, type, format, priority,
    get description() { return (cached ??= describe()); },
  } as ColumnDefinition;
}

export const nameColumn = (): ColumnDefinition => ({ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 });
export const ageColumn = (name = 'Age'): ColumnDefinition => ({ name, type: 'string', format: '', description: AGE_DESCRIPTION, priority: 0 });

/** A column with a literal description. */
export const column = (name: string, description: string, opts: { type?: ColumnDefinition['type']; priority?: number } = {}): ColumnDefinition =>
  ({ name, type: opts.type ?? 'string', format: '', description, priority: opts.priority ?? 0 });

/** A column described by an API field's documentation, e.g. docColumn('Capacity', 'io.k8s.api.core.v1.PersistentVolumeSpec', 'capacity'). */
export const docColumn = (name: string, schema: string, field: string, opts: { type?: ColumnDefinition['type']; priority?: number; format?: string } = {}): ColumnDefinition =>
  lazyColumn(name, opts.type ?? 'string', opts.priority ?? 0, () => swaggerDoc(schema, field), opts.format ?? '');

/** The Age cell. */
export const age = (meta: { creationTimestamp?: string } | undefined, now: Date) => ageCell(meta?.creationTimestamp, now);

/** Joins strings for a cell, `<none>` when empty (the printers' common fallback). */
export const listOrNone = (items: string[]) => (items.length ? items.join(',') : '<none>');

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}
