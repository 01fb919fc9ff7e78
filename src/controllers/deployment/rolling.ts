// The arithmetic of Deployment rollouts, as pure functions. Upstream: pkg/controller/deployment/util/deployment_util.go,
// rolling.go, recreate.go
import type { ReplicaSet } from '../replicaset/replicaset.js';

export type IntOrString = number | string;

/** An int or "N%" of total, rounded up or down. Upstream: apimachinery intstr GetScaledValueFromIntOrPercent */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number.parseInt(m[1]!, 10) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** maxSurge (rounded up) and maxUnavailable (rounded down); both 0 becomes unavailable 1. Upstream: ResolveFenceposts */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', replicas, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const specReplicas = (rs: ReplicaSet) => rs.spec.replicas ?? 0;
export const sumSpec = (rss: ReplicaSet[]) => rss.reduce((s, r) => s + specReplicas(r), 0);
export const sumAvailable = (rss: ReplicaSet[]) => rss.reduce((s, r) => s + (r.status?.availableReplicas ?? 0), 0);

/** The new ReplicaSet's target during a rolling update. Upstream: deployment_util.go NewRSNewReplicas */
export function newRSNewReplicas(replicas: number, surge: number, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const maxTotal = replicas + surge;
  const current = sumSpec(allRSs);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, replicas - specReplicas(newRS));
}

/**
 * How far each old ReplicaSet may be scaled down without dropping below replicas - maxUnavailable
 * available pods: first their unhealthy pods, then healthy ones oldest first.
 * Upstream: rolling.go reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate
 */
export function oldRSTargets(replicas: number, unavailable: number, oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Map<ReplicaSet, number> {
  const out = new Map<ReplicaSet, number>();
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  if (sumSpec(oldRSs) === 0) return out;
  const minAvailable = replicas - unavailable;
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  let maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;
  const byAge = [...oldRSs].sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0) || a.metadata.name!.localeCompare(b.metadata.name!));
  const target = new Map(byAge.map((r) => [r, specReplicas(r)]));
  // Unhealthy replicas first: they give no availability.
  for (const rs of byAge) {
    if (maxScaledDown <= 0) break;
    const unhealthy = target.get(rs)! - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const n = Math.min(unhealthy, maxScaledDown);
    target.set(rs, target.get(rs)! - n);
    maxScaledDown -= n;
  }
  // Then healthy ones while availability stays above the minimum.
  let canRemove = sumAvailable(all) - minAvailable;
  for (const rs of byAge) {
    if (canRemove <= 0) break;
    const n = Math.min(target.get(rs)!, canRemove);
    if (n > 0) { target.set(rs, target.get(rs)! - n); canRemove -= n; }
  }
  for (const [rs, t] of target) if (t !== specReplicas(rs)) out.set(rs, t);
  return out;
}
