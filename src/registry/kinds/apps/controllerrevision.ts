// ControllerRevision (apps/v1): immutable snapshots of a controller's template; validation and printer.
// Upstream: pkg/apis/apps/validation/validation.go (ValidateControllerRevision, ValidateControllerRevisionUpdate),
// pkg/printers/internalversion/printers.go (printControllerRevision).
import { invalid, required, type FieldError } from '../../../api/field.js';
import type { KObject } from '../../../api/object.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { NEGATIVE_ERROR } from '../../validation/pod/index.js';

export interface ControllerRevisionObject extends KObject { data?: unknown; revision?: number }

function validateRevision(obj: ControllerRevisionObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true });
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  if ((obj.revision ?? 0) < 0) errs.push(invalid('revision', obj.revision ?? 0, NEGATIVE_ERROR));
  return errs;
}

/** The Controller cell: `<lowercase kind>.<group>/<name>` of the controlling owner, `<none>` without one. */
export function controllerCell(obj: KObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevision: KindDef<ControllerRevisionObject> = {
  names: { group: 'apps', version: 'v1', kind: 'ControllerRevision', listKind: 'ControllerRevisionList', resource: 'controllerrevisions', singular: 'controllerrevision', shortNames: [], categories: [], namespaced: true },
  schema: 'io.k8s.api.apps.v1.ControllerRevision',
  hasStatus: false,
  validate: validateRevision,
  validateUpdate(obj, old) {
    const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateRevision(obj)];
    if (!deepEqual(obj.data, old.data)) errs.push(invalid('data', { raw: JSON.stringify(obj.data) }, 'field is immutable'));
    return errs;
  },
  printer: {
    columns: [
      nameColumn(),
      column('Controller', 'Controller of the object'),
      docColumn('Revision', 'io.k8s.api.apps.v1.ControllerRevision', 'revision'),
      ageColumn(),
    ],
    cells: (obj, now) => [obj.metadata.name, controllerCell(obj), obj.revision ?? 0, age(obj.metadata, now)],
  },
};
