// The taints a node should carry from its conditions and spec.unschedulable, and when a pod on a
// NoExecute-tainted node must go. Pure functions. Upstream: pkg/controller/nodelifecycle/node_lifecycle_controller.go
// (doNoScheduleTaintingPass, doNoExecuteTaintingPass), pkg/controller/tainteviction/taint_eviction.go
import { toleratesTaint } from '../../util/tolerations.js';
import type { Condition, Node, Taint, Toleration } from '../../util/types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure', DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure', NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const MANAGED = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, ...Object.values(CONDITION_TAINTS)]);

/** The node's taints with the controller-managed ones recomputed (others kept; timeAdded kept for unchanged taints). */
export function desiredTaints(node: Node, now: string): Taint[] {
  const want: Taint[] = [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const readyState = ready?.status ?? 'Unknown';
  if (readyState === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: now });
  else if (readyState === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: now });
  for (const c of node.status?.conditions ?? []) if (CONDITION_TAINTS[c.type] && c.status === 'True') want.push({ key: CONDITION_TAINTS[c.type]!, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const existing = node.spec?.taints ?? [];
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const kept = existing.filter((t) => !MANAGED.has(t.key) || want.some((w) => same(w, t)));
  for (const w of want) if (!kept.some((t) => same(t, w))) kept.push(w);
  return kept;
}

export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';
/** Conditions set to Unknown when the kubelet stops renewing. Upstream: tryUpdateNodeHealth */
export function unknownConditions(conds: Condition[] | undefined, now: string): Condition[] {
  const types = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
  const out = (conds ?? []).filter((c) => !types.includes(c.type));
  for (const t of types) {
    const old = conds?.find((c) => c.type === t);
    out.push({
      type: t, status: 'Unknown', lastHeartbeatTime: old?.lastHeartbeatTime ?? now,
      lastTransitionTime: old?.status === 'Unknown' ? old.lastTransitionTime : now,
      reason: 'NodeStatusUnknown', message: NODE_STATUS_UNKNOWN_MESSAGE,
    });
  }
  return out.sort((a, b) => types.indexOf(a.type) - types.indexOf(b.type));
}

/**
 * When a pod must be evicted from a node with these taints: undefined = never, 0 = now, else ms after the
 * taint was added (the smallest tolerationSeconds among tolerations of NoExecute taints).
 * Upstream: tainteviction/taint_eviction.go processPodOnNode, getMinTolerationTime
 */
export function evictionDelayMs(taints: Taint[], tolerations: Toleration[] | undefined, nowMs: number): number | undefined {
  const noExec = taints.filter((t) => t.effect === 'NoExecute');
  if (noExec.length === 0) return undefined;
  let at: number | undefined;
  for (const t of noExec) {
    const tols = (tolerations ?? []).filter((x) => toleratesTaint(x, t));
    if (tols.length === 0) return 0;
    for (const tol of tols) {
      if (tol.tolerationSeconds === undefined || tol.tolerationSeconds === null) continue;
      const added = t.timeAdded ? Date.parse(t.timeAdded) : nowMs;
      const when = added + Math.max(0, tol.tolerationSeconds) * 1000;
      at = at === undefined ? when : Math.min(at, when);
    }
  }
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}
