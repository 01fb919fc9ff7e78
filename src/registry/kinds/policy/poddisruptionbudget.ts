// PodDisruptionBudget (policy/v1): strategy (status split, generation), validation with upstream messages
// (minAvailable and maxUnavailable are mutually exclusive), the printer, status subresource.
// Upstream: pkg/registry/policy/poddisruptionbudget/strategy.go, pkg/apis/policy/validation/validation.go
// (ValidatePodDisruptionBudgetSpec), pkg/printers/internalversion/printers.go (printPodDisruptionBudget).
import { invalid, notSupported, type FieldError } from '../../../api/field.js';
import type { KObject } from '../../../api/object.js';
import { age, ageColumn, column, nameColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateLabelSelectorObject, type LabelSelectorObj } from '../../validation/common.js';
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { raw, type IntOrString } from '../../validation/pod/index.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../apps/common.js';

interface PDBSpec { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: LabelSelectorObj; unhealthyPodEvictionPolicy?: string }
export interface PodDisruptionBudgetObject extends KObject { spec?: PDBSpec; status?: { disruptionsAllowed?: number; [k: string]: unknown } }

const ptr = (set: boolean, type: string) => (set ? `(*${type})(0xc000000000)` : `(*${type})(nil)`);
/** %#v of the spec: Go prints its pointer fields as addresses, which we cannot reproduce; the shape is kept. */
const goSpec = (s: PDBSpec) => `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(s.minAvailable !== undefined, 'intstr.IntOrString')}, Selector:${ptr(s.selector !== undefined, 'v1.LabelSelector')}, MaxUnavailable:${ptr(s.maxUnavailable !== undefined, 'intstr.IntOrString')}, UnhealthyPodEvictionPolicy:${ptr(s.unhealthyPodEvictionPolicy !== undefined, 'policy.UnhealthyPodEvictionPolicyType')}}`;

export function validatePDBSpec(spec: PDBSpec | undefined): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) errs.push(invalid('spec', raw(goSpec(s)), 'minAvailable and maxUnavailable cannot be both set'));
  for (const k of ['minAvailable', 'maxUnavailable'] as const) {
    const v = s[k];
    if (v === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(v, `spec.${k}`), ...isNotMoreThan100Percent(v, `spec.${k}`));
  }
  errs.push(...validateLabelSelectorObject(s.selector, 'spec.selector'));
  if (s.unhealthyPodEvictionPolicy !== undefined && !['AlwaysAllow', 'IfHealthyBudget'].includes(s.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', s.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

const intOrStringCell = (v: IntOrString | undefined) => (v === undefined ? 'N/A' : String(v));

export const podDisruptionBudget: KindDef<PodDisruptionBudgetObject> = {
  names: { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', listKind: 'PodDisruptionBudgetList', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', shortNames: ['pdb'], categories: [], namespaced: true },
  schema: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  hasStatus: true,
  subresources: [{ name: 'status', kind: 'PodDisruptionBudget', verbs: ['get', 'patch', 'update'] }],
  prepareForCreate(obj) {
    // The status struct's counters are not omitempty: an empty status shows them as 0.
    obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    obj.metadata.generation = 1;
  },
  prepareForUpdate(obj, old) {
    obj.status = structuredClone(old.status ?? {});
    obj.metadata.generation = (old.metadata.generation ?? 1) + (deepEqual(obj.spec, old.spec) ? 0 : 1);
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = structuredClone(old.spec);
    obj.metadata.generation = old.metadata.generation;
  },
  validate: (obj) => [...validateObjectMeta(obj.metadata, { namespaced: true }), ...validatePDBSpec(obj.spec)],
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validatePDBSpec(obj.spec)],
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  printer: {
    columns: [
      nameColumn(),
      column('Min Available', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
      column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
      ageColumn(),
    ],
    cells: (obj, now) => [obj.metadata.name, intOrStringCell(obj.spec?.minAvailable), intOrStringCell(obj.spec?.maxUnavailable),
      obj.status?.disruptionsAllowed ?? 0, age(obj.metadata, now)],
  },
};
