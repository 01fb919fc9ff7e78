// Periodic compaction, as kube-apiserver does for etcd: every interval, forget history older than the
// last keepRevisions revisions so the log stays bounded while watchers and paged lists keep a window.
// Upstream: staging/src/k8s.io/apiserver/pkg/storage/etcd3/compact.go (StartCompactor, default 5 minutes).

import type { Datastore } from './types.js';

export interface AutoCompactionOptions {
  /** How often to compact (kube-apiserver: 5 minutes). */
  intervalMs: number;
  /** How many recent revisions to keep readable and watchable. */
  keepRevisions: number;
  /** Told about failures (a compaction error never stops the loop). */
  onError?: (err: Error) => void;
}

export const DEFAULT_COMPACTION: AutoCompactionOptions = { intervalMs: 5 * 60_000, keepRevisions: 10_000 };

/** Compacts once: to currentRevision - keepRevisions, when that is beyond what is already compacted. */
export async function compactOnce(ds: Datastore, keepRevisions: number): Promise<number | undefined> {
  const target = (await ds.currentRevision()) - keepRevisions;
  if (target <= 0 || target <= (await ds.compactedRevision())) return undefined;
  await ds.compact(target);
  return target;
}

/** Starts the loop; the returned function stops it. */
export function startAutoCompaction(ds: Datastore, opts: Partial<AutoCompactionOptions> = {}): () => void {
  const { intervalMs, keepRevisions, onError } = { ...DEFAULT_COMPACTION, ...opts };
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // never overlap a slow compaction with the next tick
    running = true;
    compactOnce(ds, keepRevisions)
      .catch((err: unknown) => onError?.(err instanceof Error ? err : new Error(String(err))))
      .finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
