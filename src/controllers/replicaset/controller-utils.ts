// Helpers every workload controller shares: controller references, pod health, slow-start batches,
// creation expectations, name suffixes, template hashing, and a queue-driven controller loop.
// Upstream: pkg/controller/controller_utils.go, apimachinery util/rand, pkg/util/hash
import { createHash } from 'node:crypto';
import type { KObject, OwnerReference } from '../../api/object.js';
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import { getCondition, type Pod } from '../../util/types.js';
import { indexLookup } from '../../util/index-lookup.js';

export interface ControllerOptions {
  client: import('../../client/types.js').Client;
  informers: import('../../client/informer.js').InformerFactory;
  now: () => Date;
  log: (m: string, x?: object) => void;
}

export function controllerRef(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
export const isOwnedBy = (o: KObject, owner: KObject) => controllerRef(o)?.uid === owner.metadata.uid;

/** Running or pending, not terminal and not being deleted. Upstream: controller_utils.go IsPodActive */
export function isPodActive(p: Pod): boolean {
  return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
}
/** Ready for at least minReadySeconds. Upstream: api/v1/pod/util.go IsPodAvailable */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: Date): boolean {
  const c = getCondition(p.status?.conditions, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
  return t + minReadySeconds * 1000 <= now.getTime();
}

// Upstream: apimachinery/pkg/util/rand/rand.go (no vowels, no confusable digits)
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return s;
}
/** rand.SafeEncodeString: each byte mapped onto the alphabet, so hashes never spell words. */
export function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
export const canonicalJSON = (v: unknown) => JSON.stringify(canonical(v));

/** The template hash used for pod-template-hash and controller-revision-hash. Upstream: controller_utils.go ComputeHash (fnv32a) */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const data = canonicalJSON(template) + (collisionCount ? String(collisionCount) : '');
  const bytes = Buffer.from(data);
  for (const b of bytes) { h ^= b; h = Math.imul(h, 0x01000193) >>> 0; }
  return safeEncode(String(h >>> 0));
}
export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Runs fn count times in batches of 1, 2, 4, ... and stops at the first batch with a failure, so a
 * quota or validation error costs one call, not hundreds. Returns the number of successes.
 * Upstream: controller_utils.go slowStartBatch
 */
export async function slowStartBatch(count: number, fn: () => Promise<void>, initialBatch = 1): Promise<{ successes: number; error?: unknown }> {
  let remaining = count, successes = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, fn));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}

/**
 * What a controller is still waiting to see from its informer after writing: creations and deletions per
 * key. Syncs that would act on a stale cache wait until they are observed (or expire).
 * Upstream: controller_utils.go ControllerExpectations
 */
export class Expectations {
  private m = new Map<string, { add: number; del: number; at: number }>();
  constructor(private readonly ttlMs = 30_000) {}
  expect(key: string, add: number, del: number): void { this.m.set(key, { add, del, at: Date.now() }); }
  observedAdd(key: string): void { const e = this.m.get(key); if (e) e.add--; }
  observedDel(key: string): void { const e = this.m.get(key); if (e) e.del--; }
  lowerAdd(key: string, n: number): void { const e = this.m.get(key); if (e) e.add -= n; }
  lowerDel(key: string, n: number): void { const e = this.m.get(key); if (e) e.del -= n; }
  satisfied(key: string): boolean {
    const e = this.m.get(key);
    return !e || (e.add <= 0 && e.del <= 0) || Date.now() - e.at > this.ttlMs;
  }
  delete(key: string): void { this.m.delete(key); }
}

/** A work queue and its workers: enqueue keys, sync them one at a time per key, stop. */
export class QueueRunner {
  readonly queue = new WorkQueue();
  private done?: Promise<void>;
  constructor(private readonly name: string, private readonly sync: (key: string) => Promise<void>, private readonly log: (m: string, x?: object) => void, private readonly workers = 2) {}
  start(): void {
    this.done = runWorkers(this.queue, this.workers, this.sync, (key, err) => this.log(`${this.name}: sync failed`, { key, err: String(err) }));
  }
  add(key: string): void { this.queue.add(key); }
  addAfter(key: string, ms: number): void { this.queue.addAfter(key, ms); }
  stop(): void { this.queue.shutDown(); void this.done; }
}

/** A pod's object template made into a pod (labels, annotations, finalizers and spec copied). Upstream: controller_utils.go GetPodFromTemplate */
export function podFromTemplate(template: { metadata?: KObject['metadata']; spec?: unknown }, namespace: string, owner: OwnerReference): Pod {
  const md = template.metadata ?? {};
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      namespace,
      ...(md.labels ? { labels: { ...md.labels } } : {}),
      ...(md.annotations ? { annotations: { ...md.annotations } } : {}),
      ...(md.finalizers ? { finalizers: [...md.finalizers] } : {}),
      ownerReferences: [owner],
    },
    spec: structuredClone(template.spec ?? { containers: [] }) as Pod['spec'],
  };
}

type AnyInformer<T extends KObject> = import('../../client/informer.js').Informer<T>;
export { indexLookup };
export const byNamespace = <T extends KObject>(inf: AnyInformer<T>) => indexLookup(inf, 'namespace', (o) => [o.metadata.namespace ?? '']);
export const byControllerUID = <T extends KObject>(inf: AnyInformer<T>) => indexLookup(inf, 'controller-uid', (o) => { const r = controllerRef(o); return r ? [r.uid] : []; });

/** A controller built in two steps: handlers registered before the informers start, workers after they sync. */
export interface Controller { start(): void; stop(): void }
