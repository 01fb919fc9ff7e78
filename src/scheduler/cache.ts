// The scheduler's view of the cluster: per-node aggregates (requested resources, pod count, host ports)
// kept up to date from pod events and assumed pods, so a scheduling cycle never scans all pods.
// Upstream: pkg/scheduler/backend/cache/cache.go, framework/types.go NodeInfo
import type { Informer } from '../client/informer.js';
import { milliValue, parseQuantity } from './util/quantity.js';
import { indexLookup } from '../util/index-lookup.js';
import { isPodTerminal, podKey, type Node, type PersistentVolume, type PersistentVolumeClaim, type Pod, type ResourceList, type StorageClass } from '../util/types.js';

export interface Resources { milliCPU: number; memory: number; ephemeralStorage: number; scalar: Record<string, number> }
const zero = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} });

// Scoring counts a pod without requests as this much so empty pods still spread. Upstream: framework/util/non_zero.go
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function addList(r: Resources, list: ResourceList | undefined, sign = 1): void {
  for (const [name, q] of Object.entries(list ?? {})) {
    if (name === 'cpu') r.milliCPU += sign * milliValue(q);
    else if (name === 'memory') r.memory += sign * parseQuantity(q);
    else if (name === 'ephemeral-storage') r.ephemeralStorage += sign * parseQuantity(q);
    else if (name !== 'pods') r.scalar[name] = (r.scalar[name] ?? 0) + sign * parseQuantity(q);
  }
}
function maxInto(r: Resources, o: Resources): void {
  r.milliCPU = Math.max(r.milliCPU, o.milliCPU); r.memory = Math.max(r.memory, o.memory);
  r.ephemeralStorage = Math.max(r.ephemeralStorage, o.ephemeralStorage);
  for (const [k, v] of Object.entries(o.scalar)) r.scalar[k] = Math.max(r.scalar[k] ?? 0, v);
}

/** A pod's effective requests: sum of containers, at least each init container, plus overhead. Upstream: component-helpers/resource PodRequests */
export function podRequests(pod: Pod): Resources {
  const r = zero();
  for (const c of pod.spec.containers ?? []) addList(r, effectiveRequests(c));
  for (const c of pod.spec.initContainers ?? []) { const i = zero(); addList(i, effectiveRequests(c)); maxInto(r, i); }
  addList(r, pod.spec.overhead);
  return r;
}
/** Requests, with limits standing in for unset requests as API defaulting does. Upstream: core/v1 defaults.go SetDefaults_Pod */
function effectiveRequests(c: Pod['spec']['containers'][number]): ResourceList | undefined {
  const req = c.resources?.requests, lim = c.resources?.limits;
  if (!lim) return req;
  return { ...lim, ...(req ?? {}) };
}

/** Requests with the scoring defaults for containers that request no cpu/memory. */
function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let cpu = 0, mem = 0;
  for (const c of pod.spec.containers ?? []) {
    const req = c.resources?.requests ?? {};
    cpu += req.cpu !== undefined ? milliValue(req.cpu) : DEFAULT_MILLI_CPU_REQUEST;
    mem += req.memory !== undefined ? parseQuantity(req.memory) : DEFAULT_MEMORY_REQUEST;
  }
  return { milliCPU: cpu, memory: mem };
}

export function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
  return out;
}

export class NodeInfo {
  requested = zero();
  nonZero = { milliCPU: 0, memory: 0 };
  podCount = 0;
  usedPorts = new Map<string, number>();
  allocatable: Resources & { pods: number } = { ...zero(), pods: 110 };
  constructor(public node: Node) { this.setNode(node); }
  get name(): string { return this.node.metadata.name!; }
  setNode(node: Node): void {
    this.node = node;
    const a = { ...zero(), pods: 110 };
    const list = node.status?.allocatable ?? node.status?.capacity ?? {};
    addList(a, list);
    if (list.pods !== undefined) a.pods = parseQuantity(list.pods);
    this.allocatable = a;
  }
  addPod(pod: Pod, sign: 1 | -1): void {
    const r = podRequests(pod);
    this.requested.milliCPU += sign * r.milliCPU; this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of Object.entries(r.scalar)) this.requested.scalar[k] = (this.requested.scalar[k] ?? 0) + sign * v;
    const nz = nonZeroRequests(pod);
    this.nonZero.milliCPU += sign * nz.milliCPU; this.nonZero.memory += sign * nz.memory;
    this.podCount += sign;
    for (const p of hostPorts(pod)) {
      const n = (this.usedPorts.get(p) ?? 0) + sign;
      if (n <= 0) this.usedPorts.delete(p); else this.usedPorts.set(p, n);
    }
  }
}

export interface CacheInformers {
  nodes: Informer<Node>; pods: Informer<Pod>; pvs: Informer<PersistentVolume>; pvcs: Informer<PersistentVolumeClaim>; classes: Informer<StorageClass>;
}

/** Which node each counted pod sits on, the per-node aggregates, and claim users for ReadWriteOncePod. */
export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  /** pod key -> the pod as counted (assumed or confirmed) */
  private counted = new Map<string, Pod>();
  private assumed = new Set<string>();
  /** "ns/claim" -> number of scheduled pods using it */
  readonly claimUsers = new Map<string, number>();
  /** PV name -> claim "ns/name" assumed in the current binding (static binding not yet written). */
  readonly assumedPVs = new Map<string, string>();
  /** PVs by storage class, for VolumeBinding's per-node search. */
  readonly pvsOfClass: (cls: string) => PersistentVolume[];
  constructor(readonly inf: CacheInformers) {
    this.pvsOfClass = indexLookup(inf.pvs, 'class', (pv) => [pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec.storageClassName ?? '']);
  }

  setNode(node: Node): void {
    const ni = this.nodes.get(node.metadata.name!);
    if (ni) ni.setNode(node); else this.nodes.set(node.metadata.name!, new NodeInfo(node));
    if (!ni) for (const p of this.counted.values()) if (p.spec.nodeName === node.metadata.name) this.nodes.get(node.metadata.name!)!.addPod(p, 1);
  }
  removeNode(name: string): void { this.nodes.delete(name); }

  /** Pod add/update from the informer: counts it on its node while assigned and not terminal. */
  updatePod(pod: Pod): void {
    const key = podKey(pod);
    const should = !!pod.spec.nodeName && !isPodTerminal(pod);
    const prev = this.counted.get(key);
    if (prev) {
      if (this.assumed.has(key) && !pod.spec.nodeName) return; // our binding has not landed yet
      this.uncount(key, prev);
    }
    this.assumed.delete(key);
    if (should) this.count(key, pod);
  }
  removePod(pod: Pod): void {
    const key = podKey(pod);
    const prev = this.counted.get(key);
    if (prev) this.uncount(key, prev);
    this.assumed.delete(key);
  }
  /** Counts pod on nodeName before the binding is written (AssumePod). */
  assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    const prev = this.counted.get(key);
    if (prev) this.uncount(key, prev);
    this.count(key, { ...pod, spec: { ...pod.spec, nodeName } });
    this.assumed.add(key);
  }
  forget(pod: Pod): void {
    const key = podKey(pod);
    if (!this.assumed.has(key)) return;
    const prev = this.counted.get(key);
    if (prev) this.uncount(key, prev);
    this.assumed.delete(key);
  }
  isAssumed(pod: Pod): boolean { return this.assumed.has(podKey(pod)); }

  private count(key: string, pod: Pod): void {
    this.counted.set(key, pod);
    this.nodes.get(pod.spec.nodeName!)?.addPod(pod, 1);
    for (const v of pod.spec.volumes ?? []) if (v.persistentVolumeClaim) {
      const k = `${pod.metadata.namespace}/${v.persistentVolumeClaim.claimName}`;
      this.claimUsers.set(k, (this.claimUsers.get(k) ?? 0) + 1);
    }
  }
  private uncount(key: string, pod: Pod): void {
    this.counted.delete(key);
    this.nodes.get(pod.spec.nodeName!)?.addPod(pod, -1);
    for (const v of pod.spec.volumes ?? []) if (v.persistentVolumeClaim) {
      const k = `${pod.metadata.namespace}/${v.persistentVolumeClaim.claimName}`;
      const n = (this.claimUsers.get(k) ?? 0) - 1;
      if (n <= 0) this.claimUsers.delete(k); else this.claimUsers.set(k, n);
    }
  }
}
