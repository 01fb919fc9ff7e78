// The pod spec as a whole, for Pods and for every pod template, in upstream's check order.
// Upstream: pkg/apis/core/validation/validation.go, ValidatePodSpec, ValidatePodTemplateSpec,
// ValidateTolerations, validateRestartPolicy, validateDNSPolicy, validatePodHostNetworkDeps, validateAffinity.
import { forbidden, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../../api/labels.js';
import { validateNodeSelector, type NodeSelector } from '../common.js';
import { validateAnnotations, validateLabels } from '../meta.js';
import { validateContainers, validateEphemeralContainers, validateInitContainers } from './containers.js';
import { validateVolumes } from './volumes.js';
import type { Container, PodSpec, PodTemplateSpec, Toleration } from './types.js';

const MAX_INT32 = 2147483647;
const inclusiveRange = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;

function validateRestartPolicy(p: string | undefined, path: string): FieldError[] {
  if (p === 'Always' || p === 'OnFailure' || p === 'Never') return [];
  if (!p) return [required(path)];
  return [notSupported(path, p, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(p: string | undefined, path: string): FieldError[] {
  const valid = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
  if (p && valid.includes(p)) return [];
  if (!p) return [required(path)];
  return [notSupported(path, p, valid)];
}

function validateTaintEffect(effect: string, path: string): FieldError[] {
  const valid = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
  return valid.includes(effect) ? [] : [notSupported(path, effect, valid)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalid(`${ip}.key`, t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(`${ip}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(`${ip}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator) {
      case 'Equal': case '': case undefined: {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(invalid(`${ip}.operator`, t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(invalid(`${ip}.operator`, { raw: JSON.stringify(t) }, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${ip}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, `${ip}.effect`));
  });
  return errs;
}

/** validatePodHostNetworkDeps: with hostNetwork, a hostPort must equal its containerPort. */
function validateHostNetworkPorts(spec: PodSpec, path: string): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  const check = (list: Container[] | undefined, p: string) => (list ?? []).forEach((c, i) => (c.ports ?? []).forEach((port, j) => {
    if (port.hostPort !== undefined && port.hostPort !== port.containerPort) {
      errs.push(invalid(`${p}[${i}].ports[${j}].containerPort`, port.containerPort ?? 0, 'must match `hostPort` when `hostNetwork` is true'));
    }
  }));
  check(spec.containers, `${path}.containers`);
  check(spec.initContainers, `${path}.initContainers`);
  return errs;
}

interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: { weight?: number }[];
}

function validateAffinity(affinity: Record<string, unknown> | undefined, path: string): FieldError[] {
  const na = affinity?.nodeAffinity as NodeAffinity | undefined;
  if (!na) return [];
  const np = `${path}.nodeAffinity`;
  const errs: FieldError[] = [];
  if (na.requiredDuringSchedulingIgnoredDuringExecution) {
    errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, `${np}.requiredDuringSchedulingIgnoredDuringExecution`));
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
    const w = term.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(invalid(`${np}.preferredDuringSchedulingIgnoredDuringExecution[${i}].weight`, w, 'must be in the range 1-100'));
  });
  return errs;
}

const dnsSubdomainErrs = (v: string, path: string) => isDNS1123Subdomain(v).map((m) => invalid(path, v, m));

/** ValidatePodSpec. `podName` is the Pod's name (undefined for templates), used for ephemeral claim names. */
export function validatePodSpec(spec: PodSpec | undefined, path: string, podName?: string): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) errs.push(required(`${path}.terminationGracePeriodSeconds`));
  const { valid: volumes, errs: volErrs } = validateVolumes(s.volumes, `${path}.volumes`, podName);
  errs.push(...volErrs);
  errs.push(...validateContainers(s.containers, volumes, `${path}.containers`));
  errs.push(...validateInitContainers(s.initContainers, s.containers, volumes, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(s.ephemeralContainers, s.containers, s.initContainers, volumes, `${path}.ephemeralContainers`));
  errs.push(...validateHostNetworkPorts(s, path));
  errs.push(...validateRestartPolicy(s.restartPolicy, `${path}.restartPolicy`));
  errs.push(...validateDNSPolicy(s.dnsPolicy, `${path}.dnsPolicy`));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  (s.readinessGates ?? []).forEach((g, i) => {
    for (const m of isQualifiedName(g.conditionType ?? '')) errs.push(invalid(`${path}.readinessGates[${i}].conditionType`, g.conditionType ?? '', m));
  });
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g, i) => {
    const gp = `${path}.schedulingGates[${i}].name`;
    for (const m of isQualifiedName(g.name ?? '')) errs.push(invalid(gp, g.name ?? '', m));
    if (gates.has(g.name ?? '')) errs.push({ type: 'FieldValueDuplicate', field: gp, badValue: g.name ?? '' });
    gates.add(g.name ?? '');
  });
  if (s.serviceAccountName) errs.push(...dnsSubdomainErrs(s.serviceAccountName, `${path}.serviceAccountName`));
  if (s.nodeName) errs.push(...dnsSubdomainErrs(s.nodeName, `${path}.nodeName`));
  if (s.activeDeadlineSeconds !== undefined) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRange(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...isDNS1123Label(s.hostname).map((m) => invalid(`${path}.hostname`, s.hostname!, m)));
  if (s.subdomain) errs.push(...isDNS1123Label(s.subdomain).map((m) => invalid(`${path}.subdomain`, s.subdomain!, m)));
  if (s.tolerations?.length) errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  if (s.priorityClassName) errs.push(...dnsSubdomainErrs(s.priorityClassName, `${path}.priorityClassName`));
  if (s.preemptionPolicy !== undefined && !['Never', 'PreemptLowerPriority'].includes(s.preemptionPolicy)) {
    errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

/** ValidatePodTemplateSpec: labels and annotations of the template (paths `<tpl>.labels`, not
 *  `<tpl>.metadata.labels`, as upstream), the spec, and no ephemeral containers. */
export function validatePodTemplateSpec(tpl: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(tpl?.metadata?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(tpl?.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(tpl?.spec, `${path}.spec`));
  if (tpl?.spec?.ephemeralContainers?.length) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}
