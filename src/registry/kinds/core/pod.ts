// Pod (core/v1): defaults, create-time admission defaults, strategy (spec/status split), validation with
// upstream messages, the printer with kubectl's Status/Ready/Restarts rules, field selectors, subresources.
// Upstream: pkg/registry/core/pod/strategy.go (podStrategy, podStatusStrategy, PodToSelectableFields),
// pkg/apis/core/validation/validation.go (ValidatePodCreate, ValidatePodUpdate),
// pkg/printers/internalversion/printers.go (printPod), plugin/pkg/admission (DefaultTolerationSeconds,
// Priority).
import { forbidden, type FieldError } from '../../../api/field.js';
import type { KObject } from '../../../api/object.js';
import { ageCell } from '../../../api/duration.js';
import { age, column, docColumn, nameColumn, ageColumn } from '../../printing/columns.js';
import type { KindDef } from '../../types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import {
  computePodQOS, podSpecWarnings, setPodOnlyDefaults, setPodSpecDefaults, validateImagesOnlyForPod, validatePodSpec,
  validatePodSpecUpdate, type ContainerStatus, type PodSpec, type PodStatus, type Toleration,
} from '../../validation/pod/index.js';

export interface PodObject extends KObject { spec?: PodSpec; status?: PodStatus }

// Upstream: plugin/pkg/admission/defaulttolerationseconds, 300 s for not-ready and unreachable.
const DEFAULT_TOLERATION_SECONDS = 300;
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds admission: add NoExecute tolerations for the two node-health taints unless the
 *  pod already tolerates them (same or empty key, effect NoExecute or empty). */
export function addDefaultTolerations(spec: PodSpec): void {
  const tolerates = (key: string) => (spec.tolerations ?? []).some((t: Toleration) =>
    (t.effect === 'NoExecute' || !t.effect) && (t.key === key || !t.key));
  const add: Toleration[] = [];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (add.length) spec.tolerations = [...(spec.tolerations ?? []), ...add];
}

/** The Status column of `kubectl get pods`, as printPod computes it. */
export function podStatusCell(pod: PodObject): { ready: string; status: string; restarts: number; lastRestart?: string } {
  const spec = pod.spec ?? {};
  const st = pod.status ?? {};
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name ?? '', c]));
  const restartable = (name: string | undefined) => initSpecs.get(name ?? '')?.restartPolicy === 'Always';
  const total = (spec.containers ?? []).length + (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let restartableRestarts = 0;
  let lastRestart = '';
  let lastRestartableRestart = '';
  const later = (a: string, b: string | undefined) => (b && (!a || Date.parse(b) > Date.parse(a)) ? b : a);

  let reason = st.reason || st.phase || '';
  for (const c of st.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c: ContainerStatus = initStatuses[i]!;
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    if (restartable(c.name)) {
      restartableRestarts += c.restartCount ?? 0;
      lastRestartableRestart = later(lastRestartableRestart, c.lastState?.terminated?.finishedAt);
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable(c.name) && c.started) { if (c.ready) ready++; continue; }
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = (st.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = st.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) { hasRunning = true; ready++; }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  return { ready: `${ready}/${total}`, status: reason, restarts, ...(lastRestart ? { lastRestart } : {}) };
}

function restartsCell(restarts: number, lastRestart: string | undefined, now: Date): string {
  return restarts !== 0 && lastRestart ? `${restarts} (${ageCell(lastRestart, now)} ago)` : String(restarts);
}

function readinessGatesCell(pod: PodObject): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (!gates.length) return '<none>';
  let ok = 0;
  for (const g of gates) {
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === g.conditionType);
    if (cond?.status === 'True') ok++;
  }
  return `${ok}/${gates.length}`;
}

/** The pod's primary IP: podIPs[0], or the singular podIP a client may have written alone. */
const podIPOf = (p: PodObject) => p.status?.podIPs?.[0]?.ip || p.status?.podIP || '';

/** v1 conversion keeps podIP/podIPs (and hostIP/hostIPs) consistent: the list wins, the single field seeds it. */
export function syncPodIPs(status: PodStatus | undefined): void {
  if (!status) return;
  if (!status.podIPs?.length && status.podIP) status.podIPs = [{ ip: status.podIP }];
  if (status.podIPs?.length) status.podIP = status.podIPs[0]!.ip;
  const hostIPs = status.hostIPs as { ip?: string }[] | undefined;
  if (!hostIPs?.length && status.hostIP) status.hostIPs = [{ ip: status.hostIP }];
  else if (hostIPs?.length) status.hostIP = hostIPs[0]!.ip;
}

const hostNetworkField = (p: PodObject) => String(p.spec?.hostNetwork === true);

function validatePodStatusUpdate(obj: PodObject, old: PodObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const nominated = obj.status?.nominatedNodeName;
  if (nominated && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(nominated)) {
    errs.push({ type: 'FieldValueInvalid', field: 'status.nominatedNodeName', badValue: nominated, detail: 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')' });
  }
  return errs;
}

export const pod: KindDef<PodObject> = {
  names: { group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', resource: 'pods', singular: 'pod', shortNames: ['po'], categories: ['all'], namespaced: true },
  schema: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,
  // Upstream discovery for pods (kube-apiserver 1.32).
  subresources: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  ],

  defaults(obj) {
    obj.spec ??= {};
    setPodSpecDefaults(obj.spec);
    setPodOnlyDefaults(obj.spec);
  },

  prepareForCreate(obj) {
    const spec = (obj.spec ??= {});
    // Create-time admission with no plugin of its own in the API server (Priority, DefaultTolerationSeconds);
    // ServiceAccount defaulting is apiserver/admission/service-account.ts.
    if (!spec.priorityClassName) spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    addDefaultTolerations(spec);
    // Upstream: podStrategy.PrepareForCreate.
    const status: PodStatus = { phase: 'Pending', qosClass: computePodQOS(spec) };
    if (spec.schedulingGates?.length) {
      status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
    }
    obj.status = status;
  },

  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  },

  prepareForStatusUpdate(obj, old) {
    obj.spec = structuredClone(old.spec);
    // Upstream: the status endpoint may not touch owner references (old kubelets corrupted them) nor deletion.
    if (old.metadata.ownerReferences) obj.metadata.ownerReferences = structuredClone(old.metadata.ownerReferences);
    else delete obj.metadata.ownerReferences;
    if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete obj.metadata.deletionTimestamp;
    syncPodIPs(obj.status);
  },

  validate(obj) {
    const errs = validateObjectMeta(obj.metadata, { namespaced: true });
    errs.push(...validatePodSpec(obj.spec, 'spec', obj.metadata.name));
    if (obj.spec?.ephemeralContainers?.length) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
    errs.push(...validateImagesOnlyForPod(obj.spec?.containers, 'spec.containers'));
    errs.push(...validateImagesOnlyForPod(obj.spec?.initContainers, 'spec.initContainers'));
    return errs;
  },

  validateUpdate(obj, old) {
    const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    errs.push(...validatePodSpec(obj.spec, 'spec', obj.metadata.name));
    errs.push(...validatePodSpecUpdate(obj.spec ?? {}, old.spec ?? {}, old.status?.qosClass));
    return errs;
  },

  validateStatusUpdate: validatePodStatusUpdate,

  subresourceUpdates: {
    // `kubectl debug`: only spec.ephemeralContainers comes from the request; containers are added, never
    // changed or removed. Upstream: podEphemeralContainersStrategy (dropNonEphemeralContainerUpdates),
    // ValidatePodEphemeralContainersUpdate.
    ephemeralcontainers: {
      prepare(obj, old) {
        const next = structuredClone(old);
        next.metadata.resourceVersion = obj.metadata.resourceVersion;
        if (obj.metadata.managedFields !== undefined) next.metadata.managedFields = obj.metadata.managedFields;
        (next.spec ??= {}).ephemeralContainers = obj.spec?.ephemeralContainers;
        setPodSpecDefaults(next.spec);
        return next;
      },
      validate(obj, old) {
        const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
        errs.push(...validatePodSpec(obj.spec, 'spec', obj.metadata.name));
        const now = new Map((obj.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
        for (const c of old.spec?.ephemeralContainers ?? []) {
          const n = now.get(c.name);
          if (!n) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${c.name}" may not be removed\n`));
          else if (JSON.stringify(n) !== JSON.stringify(c)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${c.name}" may not be changed\n`));
        }
        return errs;
      },
    },
  },

  warnings(obj) {
    return podSpecWarnings(obj.spec);
  },

  printer: {
    columns: [
      nameColumn(),
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      ageColumn(),
      docColumn('IP', 'io.k8s.api.core.v1.PodStatus', 'podIP', { priority: 1 }),
      docColumn('Node', 'io.k8s.api.core.v1.PodSpec', 'nodeName', { priority: 1 }),
      docColumn('Nominated Node', 'io.k8s.api.core.v1.PodStatus', 'nominatedNodeName', { priority: 1 }),
      column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', { priority: 1 }),
    ],
    cells(obj, now) {
      const s = podStatusCell(obj);
      const ip = podIPOf(obj) || '<none>';
      return [
        obj.metadata.name, s.ready, s.status, restartsCell(s.restarts, s.lastRestart, now), age(obj.metadata, now),
        ip, obj.spec?.nodeName || '<none>', obj.status?.nominatedNodeName || '<none>', readinessGatesCell(obj),
      ];
    },
  },

  // Upstream: PodToSelectableFields.
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': hostNetworkField,
    'status.phase': (p) => p.status?.phase ?? '',
    'status.podIP': podIPOf,
    'status.podIPs': (p) => (p.status?.podIPs ?? []).map((x) => x.ip ?? '').join(','),
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
};
