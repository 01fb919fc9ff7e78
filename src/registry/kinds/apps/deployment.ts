// Deployment (apps/v1): defaults, strategy (generation bumps on spec or annotation change), validation with
// upstream messages, the printer, scale and status subresources for discovery.
// Upstream: pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment), pkg/registry/apps/deployment/strategy.go,
// pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidateDeploymentStrategy,
// ValidateRollingUpdateDeployment), pkg/printers/internalversion/printers.go (printDeployment).
import { forbidden, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { goIntOrString, goLabelSelector, raw, type IntOrString } from '../../validation/pod/index.js';
import {
  containerCells, CONTAINERS_DESCRIPTION, defaultTemplate, IMAGES_DESCRIPTION, intOrPercentValue, isNotMoreThan100Percent,
  nonNegativeField, prepareWorkloadCreate, prepareWorkloadStatusUpdate, prepareWorkloadUpdate, SCALE_SUBRESOURCE, selectorCell,
  selectorOf, statusSubresource, templateWarnings, validatePodTemplateForReplicaSet, validatePositiveIntOrPercent,
  validateWorkloadSelector, type WorkloadObject, type WorkloadSpec, selectorImmutable,
} from './common.js';

interface DeploymentStrategy { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } }
interface DeploymentSpec extends WorkloadSpec { strategy?: DeploymentStrategy; progressDeadlineSeconds?: number; paused?: boolean }
export interface DeploymentObject extends WorkloadObject {
  spec?: DeploymentSpec;
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; [k: string]: unknown };
}

export function setDeploymentDefaults(obj: DeploymentObject): void {
  const spec = (obj.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

/** %#v of the strategy struct, for the NotSupported error on an unknown type. */
const goStrategy = (s: DeploymentStrategy) => `apps.DeploymentStrategy{Type:${JSON.stringify(s.type ?? '')}, RollingUpdate:${s.rollingUpdate ? '(*apps.RollingUpdateDeployment)(0xc000000000)' : '(*apps.RollingUpdateDeployment)(nil)'}}`;

function validateStrategy(s: DeploymentStrategy | undefined): FieldError[] {
  const st = s ?? {};
  const path = 'spec.strategy';
  switch (st.type) {
    case 'Recreate':
      return st.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = st.rollingUpdate;
      if (!ru) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable ?? 0, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge ?? 0, `${p}.maxSurge`),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(`${p}.maxUnavailable`, raw(goIntOrString(ru.maxUnavailable ?? 0)), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable ?? 0, `${p}.maxUnavailable`));
      return errs;
    }
    default:
      return [notSupported(path, raw(goStrategy(st)), ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeploymentSpec(spec: DeploymentSpec | undefined): FieldError[] {
  const s = spec ?? {};
  const errs = nonNegativeField(s.replicas ?? 0, 'spec.replicas');
  errs.push(...validateWorkloadSelector(s.selector, 'deployment'));
  const selector = selectorOf(s.selector);
  if (!selector) errs.push(invalid('spec.selector', raw(goLabelSelector(s.selector)), 'invalid label selector'));
  else errs.push(...validatePodTemplateForReplicaSet(s.template, selector, 'ReplicaSet'));
  errs.push(...validateStrategy(s.strategy));
  errs.push(...nonNegativeField(s.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  if (s.revisionHistoryLimit !== undefined) errs.push(...nonNegativeField(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (s.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegativeField(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

const STATUS = 'io.k8s.api.apps.v1.DeploymentStatus';

export const deployment: KindDef<DeploymentObject> = {
  names: { group: 'apps', version: 'v1', kind: 'Deployment', listKind: 'DeploymentList', resource: 'deployments', singular: 'deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.apps.v1.Deployment',
  hasStatus: true,
  subresources: [SCALE_SUBRESOURCE, statusSubresource('Deployment')],
  defaults: setDeploymentDefaults,
  prepareForCreate: (obj) => prepareWorkloadCreate(obj),
  // Annotations are copied to ReplicaSets, so their changes bump the generation too.
  prepareForUpdate: (obj, old) => prepareWorkloadUpdate(obj, old, (o, p) => !deepEqual(o.metadata.annotations, p.metadata.annotations)),
  prepareForStatusUpdate: prepareWorkloadStatusUpdate,
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validateDeploymentSpec(obj.spec)],
  validateUpdate(obj, old) {
    return [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateDeploymentSpec(obj.spec),
      ...selectorImmutable(obj.spec?.selector, old.spec?.selector),
    ];
  },
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  warnings: templateWarnings,
  printer: {
    columns: [
      nameColumn(),
      column('Ready', 'Number of the pod with ready state'),
      docColumn('Up-to-date', STATUS, 'updatedReplicas', { type: 'integer' }),
      docColumn('Available', STATUS, 'availableReplicas', { type: 'integer' }),
      ageColumn(),
      column('Containers', CONTAINERS_DESCRIPTION, { priority: 1 }),
      column('Images', IMAGES_DESCRIPTION, { priority: 1 }),
      docColumn('Selector', 'io.k8s.api.apps.v1.DeploymentSpec', 'selector', { priority: 1 }),
    ],
    cells(obj, now) {
      const st = obj.status ?? {};
      const [names, images] = containerCells(obj.spec?.template);
      return [obj.metadata.name, `${st.readyReplicas ?? 0}/${obj.spec?.replicas ?? 0}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0,
        age(obj.metadata, now), names, images, selectorCell(obj.spec?.selector)];
    },
  },
};

