// DaemonSet (apps/v1): defaults, strategy (generation and the deprecated template-generation annotation),
// validation with upstream messages, the printer, status subresource.
// Upstream: pkg/apis/apps/v1/defaults.go (SetDefaults_DaemonSet), pkg/apis/apps/v1/conversion.go
// (deprecated.daemonset.template.generation), pkg/registry/apps/daemonset/strategy.go,
// pkg/apis/apps/validation/validation.go (ValidateDaemonSetSpec, ValidateRollingUpdateDaemonSet),
// pkg/printers/internalversion/printers.go (printDaemonSet).
import { invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { matchesLabels } from '../../../api/labels.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateLabelSelectorObject } from '../../validation/common.js';
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { goIntOrString, goLabelSelector, goStringMap, raw, validatePodTemplateSpec, type IntOrString } from '../../validation/pod/index.js';
import {
  alwaysRestartErrors, containerCells, CONTAINERS_DESCRIPTION, defaultTemplate, IMAGES_DESCRIPTION, intOrPercentValue,
  isNotMoreThan100Percent, nonNegativeField, prepareWorkloadCreate, prepareWorkloadStatusUpdate, selectorCell, selectorOf,
  statusSubresource, TEMPLATE_LABELS_MISMATCH, templateWarnings, validatePositiveIntOrPercent, type WorkloadObject, type WorkloadSpec, selectorImmutable,
} from './common.js';
import { formatLabels } from '../../printing/columns.js';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

interface DaemonSetSpec extends WorkloadSpec { updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } } }
export interface DaemonSetObject extends WorkloadObject {
  spec?: DaemonSetSpec;
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number; [k: string]: unknown };
}

export function setDaemonSetDefaults(obj: DaemonSetObject): void {
  const spec = (obj.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  us.type ||= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
}

function validateUpdateStrategy(s: DaemonSetSpec): FieldError[] {
  const us = s.updateStrategy ?? {};
  const path = 'spec.updateStrategy';
  switch (us.type) {
    case 'OnDelete': return [];
    case 'RollingUpdate': {
      const ru = us.rollingUpdate;
      if (!ru) return [required(`${path}.rollingUpdate`)];
      const p = `${path}.rollingUpdate`;
      const mu = ru.maxUnavailable ?? 0;
      const ms = ru.maxSurge ?? 0;
      const errs = [
        ...validatePositiveIntOrPercent(mu, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ms, `${p}.maxSurge`),
        ...isNotMoreThan100Percent(mu, `${p}.maxUnavailable`),
        ...isNotMoreThan100Percent(ms, `${p}.maxSurge`),
      ];
      const hasUnavailable = intOrPercentValue(mu) !== 0;
      const hasSurge = intOrPercentValue(ms) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(`${p}.maxSurge`, raw(goIntOrString(ms)), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported(path, raw(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(us.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`), ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSetSpec(spec: DaemonSetSpec | undefined): FieldError[] {
  const s = spec ?? {};
  const errs = validateLabelSelectorObject(s.selector, 'spec.selector');
  const selector = selectorOf(s.selector);
  if (selector && !matchesLabels(selector, s.template?.metadata?.labels)) {
    errs.push(invalid('spec.template.metadata.labels', raw(goStringMap(s.template?.metadata?.labels)), TEMPLATE_LABELS_MISMATCH));
  }
  if (s.selector && Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid('spec.selector', raw(goLabelSelector(s.selector)), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(s.template, 'spec.template'));
  errs.push(...alwaysRestartErrors(s.template, 'DaemonSet'));
  errs.push(...nonNegativeField(s.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(s));
  if (s.revisionHistoryLimit !== undefined) errs.push(...nonNegativeField(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

const STATUS = 'io.k8s.api.apps.v1.DaemonSetStatus';

export const daemonSet: KindDef<DaemonSetObject> = {
  names: { group: 'apps', version: 'v1', kind: 'DaemonSet', listKind: 'DaemonSetList', resource: 'daemonsets', singular: 'daemonset', shortNames: ['ds'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.apps.v1.DaemonSet',
  hasStatus: true,
  subresources: [statusSubresource('DaemonSet')],
  defaults: setDaemonSetDefaults,
  prepareForCreate(obj) {
    prepareWorkloadCreate(obj, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
    obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION_ANNOTATION]: '1' };
  },
  prepareForUpdate(obj, old) {
    obj.status = structuredClone(old.status ?? {});
    const prevGen = Number.parseInt(old.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '0', 10) || 0;
    const templateChanged = !deepEqual(obj.spec?.template, old.spec?.template);
    obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION_ANNOTATION]: String(templateChanged ? prevGen + 1 : prevGen) };
    obj.metadata.generation = (old.metadata.generation ?? 1) + (deepEqual(obj.spec, old.spec) ? 0 : 1);
  },
  prepareForStatusUpdate: prepareWorkloadStatusUpdate,
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateDaemonSetSpec(obj.spec)],
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateDaemonSetSpec(obj.spec),
    ...selectorImmutable(obj.spec?.selector, old.spec?.selector),
  ],
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  warnings: templateWarnings,
  printer: {
    columns: [
      nameColumn(),
      docColumn('Desired', STATUS, 'desiredNumberScheduled', { type: 'integer' }),
      docColumn('Current', STATUS, 'currentNumberScheduled', { type: 'integer' }),
      docColumn('Ready', STATUS, 'numberReady', { type: 'integer' }),
      docColumn('Up-to-date', STATUS, 'updatedNumberScheduled', { type: 'integer' }),
      docColumn('Available', STATUS, 'numberAvailable', { type: 'integer' }),
      docColumn('Node Selector', 'io.k8s.api.core.v1.PodSpec', 'nodeSelector'),
      ageColumn(),
      column('Containers', CONTAINERS_DESCRIPTION, { priority: 1 }),
      column('Images', IMAGES_DESCRIPTION, { priority: 1 }),
      docColumn('Selector', 'io.k8s.api.apps.v1.DaemonSetSpec', 'selector', { priority: 1 }),
    ],
    cells(obj, now) {
      const st = obj.status ?? {};
      const [names, images] = containerCells(obj.spec?.template);
      return [obj.metadata.name, st.desiredNumberScheduled ?? 0, st.currentNumberScheduled ?? 0, st.numberReady ?? 0, st.updatedNumberScheduled ?? 0,
        st.numberAvailable ?? 0, formatLabels(obj.spec?.template?.spec?.nodeSelector), age(obj.metadata, now), names, images, selectorCell(obj.spec?.selector)];
    },
  },
};
