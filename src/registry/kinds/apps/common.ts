// What the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet) share: selector/template checks,
// int-or-percent rules, generation bumps, template defaults and warnings, the Containers/Images cells.
// Upstream: pkg/apis/apps/validation/validation.go (ValidatePodTemplateSpecForReplicaSet,
// ValidatePositiveIntOrPercent, IsNotMoreThan100Percent), pkg/printers/internalversion/printers.go
// (layoutContainerCells), pkg/registry/apps/*/strategy.go (PrepareForUpdate generation bumps).
import { forbidden, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isEverything, labelSelectorFromObject, labelSelectorString, matchesLabels, regexError, type LabelSelector } from '../../../api/labels.js';
import type { KObject } from '../../../api/object.js';
import { validateLabelSelectorObject, type LabelSelectorObj } from '../../validation/common.js';
import { deepEqual } from '../../validation/meta.js';
import {
  goIntOrString, goLabelSelector, goStringMap, NEGATIVE_ERROR, nonNegative, podSpecWarnings, raw, setPodSpecDefaults,
  validatePodTemplateSpec, type IntOrString, type PodTemplateSpec,
} from '../../validation/pod/index.js';

export interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelectorObj | null;
  template?: PodTemplateSpec;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  [k: string]: unknown;
}
export interface WorkloadObject extends KObject { spec?: WorkloadSpec; status?: Record<string, unknown> }

// ---- int or percent ----
const PERCENT_RE = /^[0-9]+%$/;
const percentErrors = (v: string) => (PERCENT_RE.test(v) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')]);

export function validatePositiveIntOrPercent(v: IntOrString, path: string): FieldError[] {
  if (typeof v === 'string') return percentErrors(v).map((m) => invalid(path, raw(goIntOrString(v)), m));
  return nonNegative(v, path);
}

function percentValue(v: IntOrString): number | undefined {
  return typeof v === 'string' && PERCENT_RE.test(v) ? Number.parseInt(v.slice(0, -1), 10) : undefined;
}

/** getIntOrPercentValue: the percent number for a percent string, else the int (non-numeric strings are 0). */
export function intOrPercentValue(v: IntOrString | undefined): number {
  if (v === undefined) return 0;
  const p = percentValue(v);
  if (p !== undefined) return p;
  return typeof v === 'number' ? v : (Number.parseInt(v, 10) || 0);
}

export function isNotMoreThan100Percent(v: IntOrString, path: string): FieldError[] {
  const p = percentValue(v);
  return p === undefined || p <= 100 ? [] : [invalid(path, raw(goIntOrString(v)), 'must not be greater than 100%')];
}

// ---- selectors and templates ----
/** The workload selector: required, valid, non-empty (`empty selector is invalid for <kind>`). */
export function validateWorkloadSelector(sel: LabelSelectorObj | null | undefined, kindWord: string): FieldError[] {
  if (!sel) return [required('spec.selector')];
  const errs = validateLabelSelectorObject(sel, 'spec.selector');
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid('spec.selector', raw(goLabelSelector(sel)), `empty selector is invalid for ${kindWord}`));
  }
  return errs;
}

/** metav1.LabelSelectorAsSelector, undefined where the selector cannot be converted. */
export function selectorOf(sel: LabelSelectorObj | null | undefined): LabelSelector | undefined {
  try { return labelSelectorFromObject(sel as never); } catch { return undefined; }
}

/** apps/v1 selectors are immutable; the value prints as Go's %#v of the LabelSelector. */
export function selectorImmutable(sel: LabelSelectorObj | null | undefined, old: LabelSelectorObj | null | undefined): FieldError[] {
  return deepEqual(sel, old) ? [] : [invalid('spec.selector', raw(goLabelSelector(sel)), 'field is immutable')];
}

export const TEMPLATE_LABELS_MISMATCH = '`selector` does not match template `labels`';

/** The template-labels check every workload makes: `spec.template.metadata.labels: Invalid value: map[...]: ...`. */
export function templateLabelsErrors(selector: LabelSelector, tpl: PodTemplateSpec | undefined, path = 'spec.template'): FieldError[] {
  if (isEverything(selector)) return [];
  const labels = tpl?.metadata?.labels;
  return matchesLabels(selector, labels) ? [] : [invalid(`${path}.metadata.labels`, raw(goStringMap(labels)), TEMPLATE_LABELS_MISMATCH)];
}

/** ValidatePodTemplateSpecForReplicaSet (Deployment, ReplicaSet). */
export function validatePodTemplateForReplicaSet(tpl: PodTemplateSpec | undefined, selector: LabelSelector, kind: string, path = 'spec.template'): FieldError[] {
  if (!tpl) return [required(path)];
  const errs = templateLabelsErrors(selector, tpl, path);
  errs.push(...validatePodTemplateSpec(tpl, path));
  errs.push(...alwaysRestartErrors(tpl, kind, path));
  return errs;
}

/** Workload pods must restart Always and have no activeDeadlineSeconds. */
export function alwaysRestartErrors(tpl: PodTemplateSpec | undefined, kind: string, path = 'spec.template'): FieldError[] {
  const errs: FieldError[] = [];
  const policy = tpl?.spec?.restartPolicy ?? '';
  if (policy !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, policy, ['Always']));
  if (tpl?.spec?.activeDeadlineSeconds !== undefined) errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

export const nonNegativeField = (v: number | undefined, path: string) => nonNegative(v, path);
export { NEGATIVE_ERROR };

// ---- strategy helpers ----
/** Apply the pod template defaults (SetDefaults_PodSpec; templates never get SetDefaults_Pod's extras). */
export function defaultTemplate(spec: WorkloadSpec | undefined): void {
  if (spec?.template) {
    spec.template.spec ??= {};
    setPodSpecDefaults(spec.template.spec);
  }
}

/** PrepareForCreate of the workload strategies: empty status, generation 1. */
export function prepareWorkloadCreate(obj: WorkloadObject, status: Record<string, unknown> = {}): void {
  obj.status = status;
  obj.metadata.generation = 1;
}

/** PrepareForUpdate: status kept from the old object; generation bumped when the spec changed. */
export function prepareWorkloadUpdate(obj: WorkloadObject, old: WorkloadObject, alsoBumpOn?: (o: WorkloadObject, p: WorkloadObject) => boolean): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
  const changed = !deepEqual(obj.spec, old.spec) || (alsoBumpOn?.(obj, old) ?? false);
  obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
}

/** Status strategy: everything but status (and the status-writable metadata) comes from the old object. */
export function prepareWorkloadStatusUpdate(obj: WorkloadObject, old: WorkloadObject): void {
  obj.spec = structuredClone(old.spec);
  obj.metadata.generation = old.metadata.generation;
}

export const templateWarnings = (obj: WorkloadObject) => podSpecWarnings(obj.spec?.template?.spec, 'spec.template');

/** layoutContainerCells: comma-joined container names and images. */
export function containerCells(tpl: PodTemplateSpec | undefined): [string, string] {
  const cs = tpl?.spec?.containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** Selector.String() of the spec's selector (the wide Selector cell). Upstream sorts set values on output
 *  (Requirement.String, safeSort); done here until api/labels.ts's labelSelectorString does it itself. */
export function selectorCell(sel: LabelSelectorObj | null | undefined): string {
  const s = selectorOf(sel);
  if (!s) return '';
  return labelSelectorString(s);
}

export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

export const SCALE_SUBRESOURCE = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
export const statusSubresource = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
