// In-memory datastore for unit tests: the full etcd model (global revision, per-key history, watch from a
// revision, compaction) with nothing persisted. Every operation runs synchronously inside its async
// function, so concurrent callers are serialised by the event loop exactly like one etcd leader.

import {
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError,
  type Datastore, type KeyValue, type RangeOptions, type RangeResult, type Watch, type WatchEvent, type WatchOptions,
} from './types.js';
import { WatchHub } from './watch-hub.js';
import { prefixMatches } from './keys.js';
import { futureRevisionError, closedError } from './errors.js';
import { registerDatastore } from './registry.js';

/** One version of a key: its value at rev, or a tombstone (kv null) when it was deleted at rev. */
interface Version { rev: number; kv: KeyValue | null }

class MemoryDatastore implements Datastore {
  readonly name = 'memory';
  private rev = 0;
  private compacted = 0;
  private closed = false;
  private readonly history = new Map<string, Version[]>();
  /** Every key that has history, sorted, for ordered prefix ranges. */
  private keys: string[] = [];
  /** Every event after the compacted revision, in revision order, for watch catch-up. */
  private events: WatchEvent[] = [];
  private readonly hub = new WatchHub();

  async currentRevision(): Promise<number> { this.assertOpen(); return this.rev; }

  async create(key: string, value: string): Promise<number> {
    this.assertOpen();
    if (this.latest(key)) throw new KeyExistsError(key);
    const rev = ++this.rev;
    const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
    this.commit(key, { rev, kv }, { type: 'put', kv: { ...kv } });
    return rev;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    this.assertOpen();
    const prev = this.latest(key);
    if (!prev) throw new KeyNotFoundError(key);
    if (prev.modRevision !== expectedModRevision) throw new RevisionMismatchError(key, expectedModRevision, prev.modRevision);
    const rev = ++this.rev;
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: rev };
    this.commit(key, { rev, kv }, { type: 'put', kv: { ...kv }, prevKv: { ...prev } });
    return rev;
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.assertOpen();
    const prev = this.latest(key);
    if (!prev) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
      throw new RevisionMismatchError(key, expectedModRevision, prev.modRevision);
    }
    const rev = ++this.rev;
    this.commit(key, { rev, kv: null }, { type: 'delete', kv: { ...prev, modRevision: rev }, prevKv: { ...prev } });
    return { revision: rev, prev: { ...prev } };
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const at = this.readRevision(revision);
    const kv = this.at(key, at);
    return kv ? { ...kv } : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const at = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const kvs: KeyValue[] = [];
    let more = false;
    const from = opts.startAfter !== undefined && opts.startAfter >= prefix
      ? upperBound(this.keys, opts.startAfter) : lowerBound(this.keys, prefix);
    for (let i = from; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      if (!prefixMatches(key, prefix)) break;
      const kv = this.at(key, at);
      if (!kv) continue;
      if (kvs.length >= limit) { more = true; break; }
      kvs.push({ ...kv });
    }
    return { kvs, revision: at, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    let n = 0;
    for (let i = lowerBound(this.keys, prefix); i < this.keys.length && prefixMatches(this.keys[i]!, prefix); i++) {
      if (this.latest(this.keys[i]!)) n++;
    }
    return n;
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) return this.hub.failed(opts, closedError());
    if (opts.afterRevision < this.compacted) return this.hub.failed(opts, new CompactedError(opts.afterRevision + 1, this.compacted));
    const backlog: WatchEvent[] = [];
    for (let i = firstEventAfter(this.events, opts.afterRevision); i < this.events.length; i++) {
      const e = this.events[i]!;
      if (prefixMatches(e.kv.key, prefix)) backlog.push(e);
    }
    return this.hub.add(prefix, opts, backlog);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.rev) throw futureRevisionError();
    if (revision <= this.compacted) return;
    // Keep, for each key, the newest version at or below revision (the state a read at `revision` needs),
    // unless that version is a tombstone. Upstream: go.etcd.io/etcd/server/mvcc, keyIndex.compact.
    for (const [key, versions] of this.history) {
      let keep = -1;
      for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.rev <= revision) { keep = i; break; }
      if (keep < 0) continue;
      const dropThrough = versions[keep]!.kv === null ? keep : keep - 1;
      if (dropThrough >= 0) versions.splice(0, dropThrough + 1);
      if (versions.length === 0) this.history.delete(key);
    }
    this.keys = this.keys.filter((k) => this.history.has(k));
    this.events = this.events.slice(firstEventAfter(this.events, revision));
    this.compacted = revision;
  }

  async compactedRevision(): Promise<number> { return this.compacted; }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(closedError());
  }

  private commit(key: string, version: Version, event: WatchEvent): void {
    let versions = this.history.get(key);
    if (!versions) {
      versions = [];
      this.history.set(key, versions);
      this.keys.splice(lowerBound(this.keys, key), 0, key);
    }
    versions.push(version);
    this.events.push(event);
    this.hub.publish([event]);
  }

  private latest(key: string): KeyValue | null {
    const versions = this.history.get(key);
    return versions && versions.length > 0 ? versions[versions.length - 1]!.kv : null;
  }

  private at(key: string, rev: number): KeyValue | null {
    const versions = this.history.get(key);
    if (!versions) return null;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.rev <= rev) return versions[i]!.kv;
    return null;
  }

  private readRevision(revision: number | undefined): number {
    if (!revision || revision <= 0) return this.rev;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.rev) throw futureRevisionError();
    return revision;
  }

  private assertOpen(): void { if (this.closed) throw closedError(); }
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! < value) lo = mid + 1; else hi = mid; }
  return lo;
}

function upperBound(sorted: string[], value: string): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! <= value) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the first event whose revision is greater than rev. */
function firstEventAfter(events: WatchEvent[], rev: number): number {
  let lo = 0, hi = events.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (events[mid]!.kv.modRevision <= rev) lo = mid + 1; else hi = mid; }
  return lo;
}

export function createMemoryDatastore(): Datastore {
  return new MemoryDatastore();
}

registerDatastore('memory', async () => createMemoryDatastore());
