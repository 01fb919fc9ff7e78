// Server-side printing: meta.k8s.io/v1 Table from the kind's printer (generic: Name, Created At).
// Upstream: k8s.io/apiserver/pkg/registry/rest/table.go (DefaultTableConvertor), pkg/printers.
import type { KObject } from '../../api/object.js';
import type { ColumnDefinition, Printer } from '../../registry/types.js';
import type { ResourceInfo } from '../resources.js';

const swaggerName = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const swaggerCreated = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const genericPrinter: Printer = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: swaggerName, priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: swaggerCreated, priority: 0 },
  ],
  cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function printerFor(r: ResourceInfo): Printer {
  return r.def.printer ?? genericPrinter;
}

function partial(obj: KObject): KObject {
  // PartialObjectMetadata without managedFields (upstream strips them for tables too).
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function tableRow(p: Printer, obj: KObject, now: Date, include: IncludeObject): Record<string, unknown> {
  let cells: unknown[];
  try { cells = p.cells(obj, now); }
  catch { cells = genericPrinter.cells(obj, now); while (cells.length < p.columns.length) cells.push(''); }
  const row: Record<string, unknown> = { cells };
  if (include === 'Object') row.object = { ...obj, kind: obj.kind, apiVersion: obj.apiVersion };
  else if (include === 'Metadata') row.object = partial(obj);
  return row;
}

export function toTable(r: ResourceInfo, items: KObject[], meta: { resourceVersion?: string; continue?: string }, now: Date, include: IncludeObject, noHeaders = false): Record<string, unknown> {
  const p = printerFor(r);
  // A kind's printer may not know the kind/apiVersion of list items; rows need them (kubectl decodes them).
  const rows = items.map((o) => tableRow(p, { ...o, kind: o.kind ?? r.kind, apiVersion: o.apiVersion ?? r.apiVersion }, now, include));
  const metadata: Record<string, string> = {};
  if (meta.resourceVersion) metadata.resourceVersion = meta.resourceVersion;
  if (meta.continue) metadata.continue = meta.continue;
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata,
    columnDefinitions: noHeaders ? null : (p.columns as ColumnDefinition[]),
    rows,
  };
}

/** Whether the Accept header asks for a Table (any meta.k8s.io version; we answer v1). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.includes('as=Table');
}
