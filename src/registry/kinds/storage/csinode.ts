// CSINode (storage.k8s.io/v1): validation and printer.
// Upstream: pkg/apis/storage/validation/validation.go (ValidateCSINode), printers.go (printCSINode).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { duplicate, invalid, required, type FieldError } from '../../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { isQualifiedName } from '../../../api/labels.js';
import { validateCSIDriverName } from '../core/persistentvolume.js';
import { age, ageColumn, column, nameColumn } from '../../printing/columns.js';

export interface CSINode extends KObject {
  spec?: { drivers?: { name?: string; nodeID?: string; topologyKeys?: string[]; allocatable?: { count?: number } }[] };
}

function validateDrivers(drivers: NonNullable<CSINode['spec']>['drivers']): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (drivers ?? []).forEach((d, i) => {
    const p = `spec.drivers[${i}]`;
    errs.push(...validateCSIDriverName(d.name, `${p}.name`));
    if (!d.nodeID) errs.push(required(`${p}.nodeID`));
    else if (d.nodeID.length > 192) errs.push(invalid(`${p}.nodeID`, d.nodeID, 'must be 192 characters or less'));
    const keys = new Set<string>();
    (d.topologyKeys ?? []).forEach((k, j) => {
      if (!k) errs.push(required(`${p}.topologyKeys`, k));
      if (keys.has(k)) errs.push(duplicate(`${p}.topologyKeys`, k));
      keys.add(k);
      for (const m of isQualifiedName(k)) errs.push(invalid(`${p}.topologyKeys`, k, m));
      void j;
    });
    if (d.allocatable?.count !== undefined && d.allocatable.count < 0) errs.push(invalid(`${p}.allocatable.count`, d.allocatable.count, 'must be greater than or equal to 0'));
    if (d.name !== undefined && names.has(d.name)) errs.push(duplicate(p, d.name));
    if (d.name !== undefined) names.add(d.name);
  });
  return errs;
}

const validateNode = (n: CSINode) => [...validateObjectMeta(n.metadata, { namespaced: false }), ...validateDrivers(n.spec?.drivers)];

export const cSINode: KindDef<CSINode> = {
  names: { group: 'storage.k8s.io', version: 'v1', kind: 'CSINode', listKind: 'CSINodeList', resource: 'csinodes', singular: 'csinode', shortNames: [], categories: [], namespaced: false },
  schema: 'io.k8s.api.storage.v1.CSINode',
  hasStatus: false,
  defaults(n) { n.spec ??= {}; n.spec.drivers ??= []; },
  validate: (n) => validateNode(n),
  validateUpdate: (n, old) => [...validateObjectMetaUpdate(n.metadata, old.metadata), ...validateNode(n)],
  printer: {
    columns: [nameColumn(), column('Drivers', 'Drivers indicates the number of CSI drivers registered on the node', { type: 'integer' }), ageColumn()],
    cells: (n, now) => [n.metadata.name, (n.spec?.drivers ?? []).length, age(n.metadata, now)],
  },
};
