// The pod's QoS class from its containers' cpu/memory requests and limits.
// Upstream: pkg/apis/core/helper/qos/qos.go, ComputePodQOS.
import { compareQuantity, parseQuantity, type Quantity } from '../../../api/quantity.js';
import type { PodSpec, ResourceList } from './types.js';

const QOS_RESOURCES = ['cpu', 'memory'];

function add(a: Quantity | undefined, b: Quantity): Quantity {
  if (!a) return b;
  const s = Math.min(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(a.scale - s) + b.unscaled * 10n ** BigInt(b.scale - s);
  return { unscaled: x, scale: s, format: a.format };
}

function positive(list: ResourceList | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.includes(k)) continue;
    let q: Quantity;
    try { q = parseQuantity(v); } catch { continue; }
    if (q.unscaled > 0n) out.set(k, q);
  }
  return out;
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function computePodQOS(spec: PodSpec): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const [k, q] of positive(c.resources?.requests)) requests.set(k, add(requests.get(k), q));
    const lim = positive(c.resources?.limits);
    for (const [k, q] of lim) limits.set(k, add(limits.get(k), q));
    if (!QOS_RESOURCES.every((r) => lim.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, req] of requests) {
      const lim = limits.get(k);
      if (!lim || compareQuantity(lim, req) !== 0) { guaranteed = false; break; }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
