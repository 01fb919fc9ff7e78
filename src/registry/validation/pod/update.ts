// Pod spec updates: only images, activeDeadlineSeconds (down), tolerations (additions and
// tolerationSeconds), terminationGracePeriodSeconds (negative -> 1) and scheduling gate removals may change.
// Upstream: pkg/apis/core/validation/validation.go, ValidatePodUpdate, ValidateContainerUpdates,
// validateOnlyAddedTolerations, validateOnlyDeletedSchedulingGates.
import { forbidden, invalid, required, type FieldError } from '../../../api/field.js';
import { deepEqual } from '../meta.js';
import { computePodQOS } from './qos.js';
import { validateTolerations } from './podspec.js';
import type { Container, PodSpec, Toleration } from './types.js';

const MAX_INT32 = 2147483647;

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

function validateContainerUpdates(next: Container[] | undefined, prev: Container[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  const n = next ?? [];
  if (n.length !== (prev ?? []).length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const img = c.image ?? '';
    if (!img) errs.push(required(`${path}[${i}].image`));
    if (img.trim().length !== img.length) errs.push(invalid(`${path}[${i}].image`, img, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(next: Toleration[] | undefined, prev: Toleration[] | undefined, path: string): FieldError[] {
  for (const old of prev ?? []) {
    const found = (next ?? []).some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** A go-cmp style summary of the differing top-level PodSpec fields. Upstream prints cmp.Diff(old, new);
 *  this keeps its shape (`  core.PodSpec{`, `- \tField: old,`, `+ \tField: new,`, `  }`) but not its exact
 *  rendering of nested values. */
export function podSpecDiff(prev: PodSpec, next: PodSpec): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])];
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(prev[k], next[k])) continue;
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    if (prev[k] !== undefined) lines.push(`- \t${field}: ${JSON.stringify(prev[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${field}: ${JSON.stringify(next[k])},`);
  }
  lines.push('  }');
  return lines.join('\n') + '\n';
}

/** The spec part of ValidatePodUpdate (metadata and the re-validation of the new spec are the caller's). */
export function validatePodSpecUpdate(next: PodSpec, prev: PodSpec, oldQOS: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const c = validateContainerUpdates(next.containers, prev.containers, 'spec.containers');
  errs.push(...c.errs);
  if (c.stop) return errs;
  const ic = validateContainerUpdates(next.initContainers, prev.initContainers, 'spec.initContainers');
  errs.push(...ic.errs);
  if (ic.stop) return errs;

  if (next.activeDeadlineSeconds !== undefined) {
    const v = next.activeDeadlineSeconds;
    if (v < 0 || v > MAX_INT32) return [...errs, invalid('spec.activeDeadlineSeconds', v, `must be between 0 and ${MAX_INT32}, inclusive`)];
    if (prev.activeDeadlineSeconds !== undefined && prev.activeDeadlineSeconds < v) {
      return [...errs, invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (prev.activeDeadlineSeconds !== undefined) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  errs.push(...validateOnlyAddedTolerations(next.tolerations, prev.tolerations, 'spec.tolerations'));
  const oldGates = new Set((prev.schedulingGates ?? []).map((g) => g.name));
  for (const g of next.schedulingGates ?? []) {
    if (!oldGates.has(g.name)) errs.push(forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  }
  if (deepEqual(next, prev)) return errs;

  const newQOS = computePodQOS(next);
  if ((oldQOS ?? computePodQOS(prev)) !== newQOS) errs.push(invalid('metadata', newQOS, 'Pod QoS is immutable'));

  // Munge the updatable fields back to their old values, then anything still different is forbidden.
  const munged: PodSpec = structuredClone(next);
  (munged.containers ?? []).forEach((ctr, i) => { ctr.image = prev.containers![i]!.image; });
  (munged.initContainers ?? []).forEach((ctr, i) => { ctr.image = prev.initContainers![i]!.image; });
  restore(munged, prev, 'activeDeadlineSeconds');
  restore(munged, prev, 'schedulingGates');
  restore(munged, prev, 'tolerations');
  if ((prev.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) restore(munged, prev, 'terminationGracePeriodSeconds');
  if (!deepEqual(munged, prev)) {
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n${podSpecDiff(prev, munged)}`));
  }
  return errs;
}

function restore(target: PodSpec, source: PodSpec, key: keyof PodSpec & string): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = structuredClone(source[key]);
}
