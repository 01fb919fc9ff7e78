// StatefulSet (apps/v1): defaults (incl. volumeClaimTemplates), strategy, validation with upstream messages
// (the template's pod spec is NOT validated, as upstream: its volumes come partly from the claim templates),
// the update restriction message, the printer, scale/status subresources.
// Upstream: pkg/apis/apps/v1/defaults.go (SetDefaults_StatefulSet), pkg/apis/apps/v1/conversion.go
// (claim templates carry apiVersion/kind), pkg/registry/apps/statefulset/strategy.go,
// pkg/apis/apps/validation/validation.go (ValidateStatefulSetSpec, ValidatePodTemplateSpecForStatefulSet,
// ValidateStatefulSetUpdate), pkg/printers/internalversion/printers.go (printStatefulSet).
import { forbidden, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { age, ageColumn, column, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { nameIsDNSLabel } from '../../validation/names.js';
import { deepEqual, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { goIntOrString, goLabelSelector, raw, type IntOrString } from '../../validation/pod/index.js';
import {
  alwaysRestartErrors, containerCells, CONTAINERS_DESCRIPTION, defaultTemplate, IMAGES_DESCRIPTION, intOrPercentValue,
  isNotMoreThan100Percent, nonNegativeField, prepareWorkloadCreate, prepareWorkloadStatusUpdate, prepareWorkloadUpdate,
  SCALE_SUBRESOURCE, selectorOf, statusSubresource, templateLabelsErrors, templateWarnings, validatePositiveIntOrPercent,
  validateWorkloadSelector, type WorkloadObject, type WorkloadSpec,
} from './common.js';

interface ClaimTemplate { apiVersion?: string; kind?: string; metadata?: Record<string, unknown>; spec?: { volumeMode?: string; [k: string]: unknown }; status?: { phase?: string; [k: string]: unknown } }
interface StatefulSetSpec extends WorkloadSpec {
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString } };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  volumeClaimTemplates?: ClaimTemplate[];
  ordinals?: { start?: number };
}
export interface StatefulSetObject extends WorkloadObject {
  spec?: StatefulSetSpec;
  status?: { replicas?: number; readyReplicas?: number; [k: string]: unknown };
}

export const STS_UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

export function setStatefulSetDefaults(obj: StatefulSetObject): void {
  const spec = (obj.spec ??= {});
  spec.podManagementPolicy ||= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  if (!us.type) { us.type = 'RollingUpdate'; us.rollingUpdate ??= {}; }
  if (us.type === 'RollingUpdate' && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  for (const t of spec.volumeClaimTemplates ?? []) {
    t.apiVersion = 'v1';
    t.kind = 'PersistentVolumeClaim';
    (t.spec ??= {}).volumeMode ??= 'Filesystem';
    (t.status ??= {}).phase ||= 'Pending';
  }
  defaultTemplate(spec);
}

const goRollingUpdate = () => '(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)';

function validateUpdateStrategy(s: StatefulSetSpec): FieldError[] {
  const us = s.updateStrategy ?? {};
  switch (us.type) {
    case '': case undefined: return [required('spec.updateStrategy')];
    case 'OnDelete':
      return us.rollingUpdate ? [invalid('spec.updateStrategy.rollingUpdate', raw(goRollingUpdate()), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      const ru = us.rollingUpdate;
      if (!ru) return [];
      const p = 'spec.updateStrategy.rollingUpdate';
      const errs = nonNegativeField(ru.partition ?? 0, `${p}.partition`);
      if (ru.maxUnavailable !== undefined) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(`${p}.maxUnavailable`, raw(goIntOrString(ru.maxUnavailable)), 'cannot be 0'));
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      }
      return errs;
    }
    default:
      return [invalid('spec.updateStrategy', raw(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(us.type)}, RollingUpdate:${us.rollingUpdate ? goRollingUpdate() : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`), "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRetentionPolicy(s: StatefulSetSpec): FieldError[] {
  const r = s.persistentVolumeClaimRetentionPolicy;
  if (!r) return [];
  const errs: FieldError[] = [];
  for (const k of ['whenDeleted', 'whenScaled'] as const) {
    if (r[k] !== 'Retain' && r[k] !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, r[k] ?? '', ['Retain', 'Delete']));
  }
  return errs;
}

export function validateStatefulSetSpec(spec: StatefulSetSpec | undefined): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  switch (s.podManagementPolicy) {
    case '': case undefined: errs.push(required('spec.podManagementPolicy')); break;
    case 'OrderedReady': case 'Parallel': break;
    default: errs.push(invalid('spec.podManagementPolicy', s.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(s));
  errs.push(...validateRetentionPolicy(s));
  errs.push(...nonNegativeField(s.replicas ?? 0, 'spec.replicas'));
  errs.push(...nonNegativeField(s.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  if (s.ordinals) errs.push(...nonNegativeField(s.ordinals.start ?? 0, 'spec.ordinals.start'));
  errs.push(...validateWorkloadSelector(s.selector, 'statefulset'));
  const selector = selectorOf(s.selector);
  if (!selector) errs.push(invalid('spec.selector', raw(goLabelSelector(s.selector)), ''));
  else if (!s.template) errs.push(required('spec.template'));
  else {
    // Upstream: ValidatePodTemplateSpecForStatefulSet — labels and annotations only, no pod spec validation.
    errs.push(...templateLabelsErrors(selector, s.template));
    errs.push(...validateLabels(s.template.metadata?.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(s.template.metadata?.annotations, 'spec.template.annotations'));
  }
  errs.push(...alwaysRestartErrors(s.template, 'StatefulSet'));
  return errs;
}

/** ValidateStatefulSetUpdate: only the listed fields may change. */
export function validateStatefulSetSpecUpdate(next: StatefulSetSpec | undefined, prev: StatefulSetSpec | undefined): FieldError[] {
  const clone: StatefulSetSpec = structuredClone(next ?? {});
  const old = prev ?? {};
  for (const k of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'] as const) {
    if (old[k] === undefined) delete clone[k];
    else clone[k] = structuredClone(old[k]) as never;
  }
  return deepEqual(clone, old) ? [] : [forbidden('spec', STS_UPDATE_FORBIDDEN)];
}

export const statefulSet: KindDef<StatefulSetObject> = {
  names: { group: 'apps', version: 'v1', kind: 'StatefulSet', listKind: 'StatefulSetList', resource: 'statefulsets', singular: 'statefulset', shortNames: ['sts'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.apps.v1.StatefulSet',
  hasStatus: true,
  subresources: [SCALE_SUBRESOURCE, statusSubresource('StatefulSet')],
  defaults: setStatefulSetDefaults,
  prepareForCreate: (obj) => prepareWorkloadCreate(obj, { replicas: 0, availableReplicas: 0 }),
  prepareForUpdate: (obj, old) => prepareWorkloadUpdate(obj, old),
  prepareForStatusUpdate: prepareWorkloadStatusUpdate,
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: nameIsDNSLabel }), ...validateStatefulSetSpec(obj.spec)],
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateStatefulSetSpec(obj.spec),
    ...validateStatefulSetSpecUpdate(obj.spec, old.spec),
  ],
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  warnings: templateWarnings,
  printer: {
    columns: [
      nameColumn(),
      column('Ready', 'Number of the pod with ready state'),
      ageColumn(),
      column('Containers', CONTAINERS_DESCRIPTION, { priority: 1 }),
      column('Images', IMAGES_DESCRIPTION, { priority: 1 }),
    ],
    cells(obj, now) {
      const [names, images] = containerCells(obj.spec?.template);
      return [obj.metadata.name, `${obj.status?.readyReplicas ?? 0}/${obj.spec?.replicas ?? 0}`, age(obj.metadata, now), names, images];
    },
  },
};
