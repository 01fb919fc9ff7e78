// ReplicaSet (apps/v1): defaults, strategy, validation, printer, scale/status subresources, the
// status.replicas field selector. Upstream: pkg/apis/apps/v1/defaults.go (SetDefaults_ReplicaSet),
// pkg/registry/apps/replicaset/strategy.go (ReplicaSetToSelectableFields), pkg/apis/apps/validation
// (ValidateReplicaSetSpec), pkg/printers/internalversion/printers.go (printReplicaSet).
import { invalid, type FieldError } from '../../../api/field.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { goLabelSelector, raw } from '../../validation/pod/index.js';
import {
  containerCells, CONTAINERS_DESCRIPTION, defaultTemplate, IMAGES_DESCRIPTION, nonNegativeField, prepareWorkloadCreate,
  prepareWorkloadStatusUpdate, prepareWorkloadUpdate, SCALE_SUBRESOURCE, selectorCell, selectorOf, statusSubresource,
  templateWarnings, validatePodTemplateForReplicaSet, validateWorkloadSelector, type WorkloadObject, selectorImmutable,
} from './common.js';

export interface ReplicaSetObject extends WorkloadObject {
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; [k: string]: unknown };
}

export function validateReplicaSetSpec(obj: ReplicaSetObject): FieldError[] {
  const s = obj.spec ?? {};
  const errs = nonNegativeField(s.replicas ?? 0, 'spec.replicas');
  errs.push(...nonNegativeField(s.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  // Upstream's ReplicaSet validation reuses the Deployment wording for an empty selector.
  errs.push(...validateWorkloadSelector(s.selector, 'deployment'));
  const selector = selectorOf(s.selector);
  if (!selector) errs.push(invalid('spec.selector', raw(goLabelSelector(s.selector)), 'invalid label selector'));
  else errs.push(...validatePodTemplateForReplicaSet(s.template, selector, 'ReplicaSet'));
  return errs;
}

const SPEC = 'io.k8s.api.apps.v1.ReplicaSetSpec';
const STATUS = 'io.k8s.api.apps.v1.ReplicaSetStatus';

export const replicaSet: KindDef<ReplicaSetObject> = {
  names: { group: 'apps', version: 'v1', kind: 'ReplicaSet', listKind: 'ReplicaSetList', resource: 'replicasets', singular: 'replicaset', shortNames: ['rs'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.apps.v1.ReplicaSet',
  hasStatus: true,
  subresources: [SCALE_SUBRESOURCE, statusSubresource('ReplicaSet')],
  defaults(obj) {
    const spec = (obj.spec ??= {});
    spec.replicas ??= 1;
    defaultTemplate(spec);
  },
  prepareForCreate: (obj) => prepareWorkloadCreate(obj, { replicas: 0 }),
  prepareForUpdate: (obj, old) => prepareWorkloadUpdate(obj, old),
  prepareForStatusUpdate: prepareWorkloadStatusUpdate,
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateReplicaSetSpec(obj)],
  validateUpdate(obj, old) {
    return [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateReplicaSetSpec(obj),
      ...selectorImmutable(obj.spec?.selector, old.spec?.selector),
    ];
  },
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  warnings: templateWarnings,
  printer: {
    columns: [
      nameColumn(),
      docColumn('Desired', SPEC, 'replicas', { type: 'integer' }),
      docColumn('Current', STATUS, 'replicas', { type: 'integer' }),
      docColumn('Ready', STATUS, 'readyReplicas', { type: 'integer' }),
      ageColumn(),
      column('Containers', CONTAINERS_DESCRIPTION, { priority: 1 }),
      column('Images', IMAGES_DESCRIPTION, { priority: 1 }),
      docColumn('Selector', SPEC, 'selector', { priority: 1 }),
    ],
    cells(obj, now) {
      const st = obj.status ?? {};
      const [names, images] = containerCells(obj.spec?.template);
      return [obj.metadata.name, obj.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0, age(obj.metadata, now), names, images, selectorCell(obj.spec?.selector)];
    },
  },
  fieldSelectors: { 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) },
};
