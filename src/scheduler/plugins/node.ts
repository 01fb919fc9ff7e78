// Node-level filter and score plugins: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodePorts, NodeResourcesFit, and the spreading scores. Upstream: pkg/scheduler/framework/plugins/*
import { Status, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { hostPorts, podRequests, type NodeInfo } from '../cache.js';
import { mapSelectorMatches, nodeSelectorMatches } from '../../util/labels.js';
import type { Pod } from '../../util/types.js';
import { toleratesTaint, tolerationsTolerate } from '../../util/tolerations.js';

export { toleratesTaint, tolerationsTolerate };

export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

// Upstream: plugins/nodeunschedulable/node_unschedulable.go
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(_s, pod, ni) {
    if (ni.node.spec?.unschedulable && !tolerationsTolerate(pod.spec.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' }))
      return Status.unresolvable('node(s) were unschedulable');
    return Status.ok();
  },
};

// Upstream: plugins/nodename/node_name.go
export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(_s, pod, ni) {
    if (pod.spec.nodeName && pod.spec.nodeName !== ni.name) return Status.unresolvable("node(s) didn't match the requested node name");
    return Status.ok();
  },
};

// Upstream: plugins/tainttoleration/taint_toleration.go Filter (NoSchedule and NoExecute taints only)
export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(_s, pod, ni) {
    for (const taint of ni.node.spec?.taints ?? []) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      if (!tolerationsTolerate(pod.spec.tolerations, taint))
        return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    }
    return Status.ok();
  },
};

/** nodeSelector and required node affinity. Upstream: component-helpers/scheduling/corev1/nodeaffinity GetRequiredNodeAffinity */
export function podMatchesNode(pod: Pod, ni: NodeInfo): boolean {
  if (!mapSelectorMatches(pod.spec.nodeSelector, ni.node.metadata.labels)) return false;
  const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !req || nodeSelectorMatches(req, ni.node);
}
// Upstream: plugins/nodeaffinity/node_affinity.go
export const nodeAffinity: FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  filter(_s, pod, ni) {
    return podMatchesNode(pod, ni) ? Status.ok() : Status.unresolvable("node(s) didn't match Pod's node affinity/selector");
  },
  score(_s, pod, ni) {
    let sum = 0, total = 0;
    for (const p of pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      total += p.weight;
      if (nodeSelectorMatches({ nodeSelectorTerms: [p.preference] }, ni.node)) sum += p.weight;
    }
    return total ? (100 * sum) / total : 0;
  },
};

/** Whether two "proto/ip/port" keys collide (0.0.0.0 conflicts with every IP). */
function portsConflict(a: string, b: string): boolean {
  const [pa, ia, na] = a.split('/'), [pb, ib, nb] = b.split('/');
  return pa === pb && na === nb && (ia === ib || ia === '0.0.0.0' || ib === '0.0.0.0');
}
// Upstream: plugins/nodeports/node_ports.go
export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(_s, pod, ni) {
    for (const want of hostPorts(pod)) for (const used of ni.usedPorts.keys())
      if (portsConflict(want, used)) return Status.unschedulable("node(s) didn't have free ports for the requested pod ports");
    return Status.ok();
  },
};

// Upstream: plugins/noderesources/fit.go fitsRequest
export const nodeResourcesFit: FilterPlugin & ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  filter(_s, pod, ni) {
    const reasons: string[] = [];
    if (ni.podCount + 1 > ni.allocatable.pods) reasons.push('Too many pods');
    const r = podRequests(pod);
    const a = ni.allocatable, u = ni.requested;
    if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) reasons.push('Insufficient cpu');
    if (r.memory > 0 && r.memory > a.memory - u.memory) reasons.push('Insufficient memory');
    if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
    for (const [name, v] of Object.entries(r.scalar)) if (v > 0 && v > (a.scalar[name] ?? 0) - (u.scalar[name] ?? 0)) reasons.push(`Insufficient ${name}`);
    return reasons.length ? Status.unschedulable(...reasons) : Status.ok();
  },
  // LeastAllocated over cpu and memory, counting pods without requests at the defaults.
  // Upstream: plugins/noderesources/least_allocated.go
  score(_s, pod, ni) {
    const req = podRequests(pod);
    const cpuReq = ni.nonZero.milliCPU + (req.milliCPU || 100), memReq = ni.nonZero.memory + (req.memory || 200 * 1024 * 1024);
    const part = (alloc: number, used: number) => (alloc <= 0 || used > alloc ? 0 : ((alloc - used) * 100) / alloc);
    return (part(ni.allocatable.milliCPU, cpuReq) + part(ni.allocatable.memory, memReq)) / 2;
  },
};

/** Fewest pods first: keeps simulated nodes without allocatable evenly used. */
export const podCountSpread: ScorePlugin = {
  name: 'PodCountSpread',
  weight: 1,
  score(_s, _pod, ni) { return ni.allocatable.pods > 0 ? Math.max(0, 100 - (ni.podCount * 100) / ni.allocatable.pods) : 0; },
};
