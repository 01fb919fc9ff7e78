// Whether tolerations tolerate a taint, shared by the scheduler (TaintToleration, NodeUnschedulable), the
// taint eviction controller and the DaemonSet controller.
import type { Taint, Toleration } from './types.js';

/** Upstream: api/core/v1 toleration.go ToleratesTaint */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}
export const tolerationsTolerate = (ts: Toleration[] | undefined, taint: Taint) => (ts ?? []).some((t) => toleratesTaint(t, taint));

