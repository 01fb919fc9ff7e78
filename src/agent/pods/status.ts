// The pod status the kubelet reports: phase, conditions, container statuses.
// Upstream: pkg/kubelet/kubelet_pods.go (getPhase, generateAPIPodStatus, convertToAPIContainerStatuses),
// pkg/kubelet/status/generate.go (GeneratePodReadyCondition, GeneratePodInitializedCondition, ...)
import { isSidecar, type Container, type Pod } from './types.js';
import type { ContainerState, PodState } from './state.js';

type Json = Record<string, unknown>;

function containerStatus(c: Container, s: ContainerState | undefined, podRunning: boolean): Json {
  const st: Json = { name: c.name, image: c.image ?? '', imageID: s?.imageID ?? '', restartCount: s?.restartCount ?? 0, ready: false, started: false };
  if (s?.running) {
    st.state = { running: { startedAt: s.running.startedAt } };
    st.containerID = s.running.containerID;
    st.ready = s.ready && podRunning;
    st.started = s.started;
  } else if (s?.waiting || !s?.lastTerm) {
    st.state = { waiting: s?.waiting ?? { reason: 'ContainerCreating' } };
  } else {
    st.state = { terminated: s.lastTerm };
    st.containerID = s.lastTerm.containerID;
  }
  // lastState: the previous termination when the container is running again or waiting to restart.
  if (s?.lastTerm && (s.running || s.waiting)) st.lastState = { terminated: s.lastTerm };
  else st.lastState = {};
  if (s?.waiting && s.lastTerm) st.containerID = s.lastTerm.containerID;
  return st;
}

/** An init container is done when it completed, a sidecar (restartPolicy Always) once it has started. */
const initDone = (c: Container, s: ContainerState | undefined) => !!s && (isSidecar(c) ? !!s.running && s.started : !s.running && s.lastTerm?.exitCode === 0);

/** Upstream: getPhase */
export function podPhase(pod: Pod, ps: PodState): string {
  if (ps.terminal) return ps.terminal;
  const spec = pod.spec!;
  // Pending while an ordinary init container has not completed, or a sidecar has not started yet; a
  // sidecar that ran before and is restarting does not make the pod Pending again.
  const pending = (spec.initContainers ?? []).some((c) => {
    const s = ps.init[c.name];
    if (!isSidecar(c)) return !initDone(c, s);
    return !s || (s.running ? !s.started : !s.lastTerm);
  });
  if (pending) return 'Pending';
  // A running sidecar keeps the pod Running (its app may be done: it is stopped next). Upstream: getPhase.
  let running = (spec.initContainers ?? []).filter((c) => isSidecar(c) && ps.init[c.name]?.running).length;
  let waiting = 0, stopped = 0, succeeded = 0;
  for (const c of spec.containers) {
    const s = ps.containers[c.name];
    if (s?.running) running++;
    else if (s?.lastTerm && !s.waiting) { stopped++; if (s.lastTerm.exitCode === 0) succeeded++; }
    else if (s?.lastTerm) running++; // restarting: the pod stays Running as upstream
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === spec.containers.length) {
    if (succeeded === stopped) return 'Succeeded';
    return spec.restartPolicy === 'Always' ? 'Running' : 'Failed';
  }
  return 'Pending';
}

function cond(type: string, ok: boolean, now: string, prev: Json[] | undefined, reason?: string, message?: string): Json {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now };
  if (!ok && reason) { c.reason = reason; if (message) c.message = message; }
  if (ok && reason === 'PodCompleted') c.reason = reason;
  return c;
}

export function buildPodStatus(pod: Pod, ps: PodState, o: { hostIP: string; now: string; volumesReady: boolean; reason?: string; message?: string }): Json {
  const spec = pod.spec!;
  const prev = (pod.status?.conditions ?? []) as unknown as Json[];
  const phase = podPhase(pod, ps);
  const initCs = spec.initContainers ?? [];
  // Initialized stays True once a main container has started (a sidecar restarting later does not undo it).
  const mainStarted = spec.containers.some((c) => { const s = ps.containers[c.name]; return !!(s?.running || s?.lastTerm); });
  const initPending = mainStarted ? [] : initCs.filter((c) => !initDone(c, ps.init[c.name])).map((c) => c.name);
  // Readiness counts the sidecars too (upstream: GenerateContainersReadyCondition with restartable init containers).
  const notReady = [...initCs.filter(isSidecar).map((c) => [c, ps.init[c.name]] as const), ...spec.containers.map((c) => [c, ps.containers[c.name]] as const)]
    .filter(([, s]) => !(s?.running && s.ready)).map(([c]) => c.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const conds: Json[] = [
    cond('PodReadyToStartContainers', o.volumesReady && !completed, o.now, prev),
    initPending.length === 0 || completed && initPending.length === 0
      ? cond('Initialized', true, o.now, prev)
      : cond('Initialized', false, o.now, prev, 'ContainersNotInitialized', `containers with incomplete status: [${initPending.join(' ')}]`),
  ];
  if (completed) {
    conds.push(cond('Ready', false, o.now, prev, 'PodCompleted'), cond('ContainersReady', false, o.now, prev, 'PodCompleted'));
  } else if (notReady.length === 0) {
    conds.push(cond('Ready', true, o.now, prev), cond('ContainersReady', true, o.now, prev));
  } else {
    const msg = `containers with unready status: [${notReady.join(' ')}]`;
    conds.push(cond('Ready', false, o.now, prev, 'ContainersNotReady', msg), cond('ContainersReady', false, o.now, prev, 'ContainersNotReady', msg));
  }
  const scheduled = prev.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ps.startTime ?? o.now };
  conds.push(scheduled);
  // Fix the PodCompleted reason on Ready when completed (cond() only keeps reasons on False).
  const status: Json = {
    phase,
    conditions: conds,
    hostIP: o.hostIP, hostIPs: [{ ip: o.hostIP }],
    podIP: o.hostIP, podIPs: [{ ip: o.hostIP }],
    startTime: ps.startTime,
    qosClass: pod.status?.qosClass ?? qosClass(pod),
  };
  if (ps.terminalReason) status.reason = ps.terminalReason;
  if (ps.terminalMessage) status.message = ps.terminalMessage;
  const podRunning = phase === 'Running';
  if (initCs.length) status.initContainerStatuses = initCs.map((c) => {
    const s = ps.init[c.name];
    const st = containerStatus(c, s, true);
    if (!isSidecar(c) && s && !s.running && s.lastTerm?.exitCode === 0) st.ready = true;
    return st;
  });
  status.containerStatuses = spec.containers.map((c) => containerStatus(c, ps.containers[c.name], podRunning));
  // Ephemeral containers are never ready and carry no started flag (upstream: no probe worker reports them).
  if (spec.ephemeralContainers?.length) {
    status.ephemeralContainerStatuses = spec.ephemeralContainers.map((c) => {
      const st = containerStatus(c, ps.ephemeral?.[c.name], podRunning);
      st.ready = false;
      delete st.started;
      return st;
    });
  }
  return status;
}

/** Upstream: pkg/apis/core/v1/helper/qos GetPodQOS (simplified: Guaranteed / Burstable / BestEffort). */
export function qosClass(pod: Pod): string {
  const cs = pod.spec?.containers ?? [];
  let any = false, guaranteed = true;
  for (const c of cs) {
    const req = (c.resources?.requests ?? {}) as Record<string, unknown>;
    const lim = (c.resources?.limits ?? {}) as Record<string, unknown>;
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
