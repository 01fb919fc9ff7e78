// kube-scheduler's scheduling and binding cycles over the framework: PreFilter, Filter (first failing
// plugin per node), Score, Reserve, then asynchronously PreBind and Bind (POST pods/binding). Failures
// become the FailedScheduling event and the PodScheduled=False condition with the upstream FitError text.
// Upstream: pkg/scheduler/schedule_one.go
import { R } from '../api/gvr.js';
import { isNotFound } from '../api/errors.js';
import type { Client } from '../client/types.js';
import { EventRecorder } from '../client/events.js';
import { Code, CycleState, fitErrorMessage, isFilter, isPreBind, isPreFilter, isReserve, isScore, preemptionMessage, Status, type Diagnosis, type Plugin, type PluginContext } from './framework.js';
import type { SchedulerCache } from './cache.js';
import type { SchedulingQueue } from './queue.js';
import { podKey, rfc3339, type Condition, type Pod } from '../util/types.js';

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerDeps {
  client: Client; cache: SchedulerCache; queue: SchedulingQueue; plugins: Plugin[];
  recorder: EventRecorder; now: () => Date; log: (m: string, x?: object) => void;
  /** Pods in their binding cycle at once. */
  maxBinding?: number;
}

export type ScheduleResult = { node: string; state: CycleState } | { diagnosis: Diagnosis; message: string } | { error: string };

/** One scheduling cycle (no side effects on the API): returns the chosen node or why none fits. */
export function schedulePod(pod: Pod, cache: SchedulerCache, plugins: Plugin[]): ScheduleResult {
  const ctx: PluginContext = { cache };
  const nodes = [...cache.nodes.values()];
  if (nodes.length === 0) return { error: 'no nodes available to schedule pods' };
  const state = new CycleState();
  const skipped = new Set<string>();
  const diagnosis: Diagnosis = { numAllNodes: nodes.length, nodeToStatus: new Map() };
  const allNames = nodes.map((n) => n.name);
  for (const p of plugins) {
    if (!isPreFilter(p)) continue;
    const st = p.preFilter(state, pod, ctx);
    if (st.isSkip) { skipped.add(p.name); continue; }
    if (st.code === Code.Error) return { error: `running PreFilter plugin "${p.name}": ${st.message}` };
    if (st.isRejected) {
      diagnosis.preFilterMsg = st.message;
      diagnosis.postFilterMsg = preemptionMessage(diagnosis, allNames, pod);
      return { diagnosis, message: fitErrorMessage(diagnosis) };
    }
  }
  const filters = plugins.filter(isFilter).filter((p) => !skipped.has(p.name));
  const feasible = [];
  for (const ni of nodes) {
    let ok = true;
    for (const f of filters) {
      const st = f.filter(state, pod, ni, ctx);
      if (st.isSuccess) continue;
      if (st.code === Code.Error) return { error: `running "${f.name}" filter plugin: ${st.message}` };
      diagnosis.nodeToStatus.set(ni.name, st.withPlugin(f.name));
      ok = false;
      break;
    }
    if (ok) feasible.push(ni);
  }
  if (feasible.length === 0) {
    diagnosis.postFilterMsg = preemptionMessage(diagnosis, allNames, pod);
    return { diagnosis, message: fitErrorMessage(diagnosis) };
  }
  const scorers = plugins.filter(isScore);
  let best = feasible[0]!, bestScore = -Infinity, ties = 0;
  for (const ni of feasible) {
    let s = 0;
    for (const p of scorers) s += p.weight * p.score(state, pod, ni, ctx);
    // Ties are broken uniformly at random (reservoir sampling), as upstream selectHost.
    if (s > bestScore) { best = ni; bestScore = s; ties = 1; }
    else if (s === bestScore && Math.random() * ++ties < 1) best = ni;
  }
  return { node: best.name, state };
}

export class Scheduler {
  private inFlight = new Set<string>();
  private binding = 0;
  private bindingWaiters: Array<() => void> = [];
  private stopped = false;
  constructor(private readonly d: SchedulerDeps) {}

  stop(): void { this.stopped = true; this.d.queue.close(); }

  async run(): Promise<void> {
    const max = this.d.maxBinding ?? 256;
    for (;;) {
      const key = await this.d.queue.pop();
      if (key === undefined || this.stopped) return;
      const pod = this.d.cache.inf.pods.get(key);
      if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp || this.inFlight.has(key)) continue;
      try { this.scheduleOne(pod); } catch (e) { this.d.log('scheduling failed', { pod: key, err: String(e) }); this.d.queue.addUnschedulable(key); }
      if (this.binding >= max) await new Promise<void>((r) => this.bindingWaiters.push(r));
      // Let watch events and bindings make progress between cycles.
      if (this.d.queue.pending === 0 || Math.random() < 0.05) await new Promise((r) => setImmediate(r));
    }
  }

  private scheduleOne(pod: Pod): void {
    const { cache, plugins } = this.d;
    const key = podKey(pod);
    const res = schedulePod(pod, cache, plugins);
    if ('error' in res) { this.fail(pod, res.error, false); return; }
    if ('diagnosis' in res) { this.fail(pod, res.message, true); return; }
    const { node, state } = res;
    const ctx: PluginContext = { cache };
    cache.assume(pod, node);
    const reserved: Plugin[] = [];
    for (const p of plugins) {
      if (!isReserve(p)) continue;
      const st = p.reserve(state, pod, node, ctx);
      reserved.push(p);
      if (!st.isSuccess) { this.unreserve(reserved, state, pod, node); this.fail(pod, `running Reserve plugin "${p.name}": ${st.message}`, false); return; }
    }
    this.inFlight.add(key);
    this.binding++;
    void this.bindingCycle(pod, node, state, reserved).finally(() => {
      this.inFlight.delete(key);
      this.binding--;
      this.bindingWaiters.shift()?.();
    });
  }

  private unreserve(reserved: Plugin[], state: CycleState, pod: Pod, node: string): void {
    for (const p of [...reserved].reverse()) if (isReserve(p)) p.unreserve(state, pod, node, { cache: this.d.cache });
    this.d.cache.forget(pod);
  }

  // Upstream: schedule_one.go bindingCycle
  private async bindingCycle(pod: Pod, node: string, state: CycleState, reserved: Plugin[]): Promise<void> {
    const ctx: PluginContext = { cache: this.d.cache };
    try {
      for (const p of this.d.plugins) {
        if (!isPreBind(p)) continue;
        const st = await p.preBind(state, pod, node, ctx);
        if (!st.isSuccess) throw new Error(`running PreBind plugin "${p.name}": ${st.message}`);
      }
      await this.d.client.createSubresource(R.pods, pod.metadata.namespace, pod.metadata.name!, 'binding', {
        apiVersion: 'v1', kind: 'Binding',
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
      // The assumed volumes are now real API state.
      for (const p of reserved) if (isReserve(p) && p.name === 'VolumeBinding') p.unreserve(state, pod, node, ctx);
      void this.d.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, 'Pod');
    } catch (e) {
      this.unreserve(reserved, state, pod, node);
      if (isNotFound(e)) return;
      this.fail(pod, e instanceof Error ? e.message : String(e), false);
    }
  }

  /** FailedScheduling event and PodScheduled=False; the pod waits for a cluster change. Upstream: schedule_one.go handleSchedulingFailure */
  private fail(pod: Pod, message: string, unschedulable: boolean): void {
    const key = podKey(pod);
    void this.d.recorder.event(pod, 'Warning', 'FailedScheduling', message, 'Pod');
    this.d.queue.addUnschedulable(key);
    void this.updateCondition(pod, unschedulable ? 'Unschedulable' : 'SchedulerError', message);
  }

  private async updateCondition(pod: Pod, reason: string, message: string): Promise<void> {
    const cur = this.d.cache.inf.pods.get(podKey(pod)) ?? pod;
    const conds = cur.status?.conditions ?? [];
    const old = conds.find((c) => c.type === 'PodScheduled');
    if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
    const cond: Condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: old?.status === 'False' ? old.lastTransitionTime : rfc3339(this.d.now()), reason, message };
    try {
      await this.d.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'merge',
        { status: { conditions: [...conds.filter((c) => c.type !== 'PodScheduled'), cond] } }, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) this.d.log('updating PodScheduled condition failed', { pod: podKey(pod), err: String(e) });
    }
  }
}
export { Status };
