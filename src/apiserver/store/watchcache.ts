// The watch cache: ONE datastore watch over /registry/ fanned out in memory to every API watcher, with a
// window of recent events so watchers can resume from a resourceVersion, and 410 Expired below it.
// Upstream: k8s.io/apiserver/pkg/storage/cacher (cacher.go, watch_cache.go)
import type { Datastore, KeyValue, Watch, WatchEvent as DsEvent } from '../../datastore/types.js';
import type { KObject, WatchEventType } from '../../api/object.js';
import { gone } from '../../api/errors.js';
import type { ResourceInfo, ResourceTable } from '../resources.js';
import { listPrefix, objectKey } from '../resources.js';
import { decodeKV } from './codec.js';
import type { Matcher } from './selectors.js';

/** One datastore change, decoded once and shared by every watcher (never mutate `obj`/`prev`). */
export class CacheEvent {
  private prevObj?: KObject;
  private cur?: KObject;
  constructor(readonly raw: DsEvent, readonly resource: ResourceInfo) {}
  /** The new state (the last state for DELETED), decoded once on first use. */
  get obj(): KObject {
    this.cur ??= decodeKV(this.raw.kv);
    return this.cur;
  }
  get revision(): number { return this.raw.kv.modRevision; }
  get key(): string { return this.raw.kv.key; }
  get type(): 'ADDED' | 'MODIFIED' | 'DELETED' {
    return this.raw.type === 'delete' ? 'DELETED' : this.raw.prevKv ? 'MODIFIED' : 'ADDED';
  }
  /** The state before the change (decoded only when a selector needs it), with its own resourceVersion. */
  get prev(): KObject | undefined {
    if (!this.prevObj && this.raw.prevKv) this.prevObj = decodeKV(this.raw.prevKv);
    return this.prevObj;
  }
}

export interface WatchSink {
  /** `object` is shared between watchers (unless ownCopies): serialize or copy it, never mutate it. */
  event(type: WatchEventType, object: KObject): void;
  /**
   * Every object handed to event() is this watcher's own (decoded from the stored text for it), so the
   * sink may keep or change it: the in-process client, which would otherwise deep-copy the shared one.
   */
  ownCopies?: boolean;
  /** The watch ended: timeout, stop(), or an error already sent as an ERROR event. */
  end(): void;
}

export interface CacheWatchRequest {
  resource: ResourceInfo;
  namespace?: string;
  /** Exact name (from fieldSelector metadata.name=) to skip other keys cheaply. */
  name?: string;
  match?: Matcher;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface CacheWatch { stop(): void }

interface Watcher {
  req: CacheWatchRequest;
  sink: WatchSink;
  keyPrefix: string;
  exactKey?: string;
  /** Events up to and including this revision were already covered (initial list or resume point). */
  after: number;
  /** Events buffered while the initial list is read. */
  pending?: CacheEvent[];
  timer?: NodeJS.Timeout;
  lastSent: number;
  stopped: boolean;
}

export interface WatchCacheOptions {
  /** Events kept for resuming watches. */
  window?: number;
  bookmarkIntervalMs?: number;
  log?: (msg: string, extra?: object) => void;
}

export class WatchCache {
  private events: CacheEvent[] = [];
  /** The newest event in the window for each key it holds (deletes remove the key): see latest(). */
  private newest = new Map<string, CacheEvent>();
  private head = 0; // index of the oldest kept event in `events` (compacted lazily)
  /** Every event after this revision is in the window. */
  private oldest = 0;
  private last = 0;
  private dsWatch?: Watch;
  private watchers = new Map<ResourceInfo, Set<Watcher>>();
  private bookmarkTimer?: NodeJS.Timeout;
  private readonly window: number;
  private closed = false;

  constructor(private readonly ds: Datastore, private readonly table: ResourceTable, private readonly opts: WatchCacheOptions = {}) {
    this.window = opts.window ?? 10_000;
  }

  async start(): Promise<void> {
    const [current, compacted] = await Promise.all([this.ds.currentRevision(), this.ds.compactedRevision()]);
    // Preload recent history so watchers that resume after a restart are not all sent 410.
    const from = Math.max(compacted, current - this.window, 0);
    this.oldest = from;
    this.last = from;
    // The preload arrives asynchronously; a watcher that resumes meanwhile still gets it in order,
    // because replay and live delivery read the same sequence.
    this.open(from);
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.opts.bookmarkIntervalMs ?? 10_000);
    this.bookmarkTimer.unref();
  }

  private open(after: number): void {
    this.dsWatch = this.ds.watch('/registry/', {
      afterRevision: after,
      onEvents: (evs) => this.onEvents(evs),
      onError: (err) => {
        if (this.closed) return;
        this.opts.log?.('watch cache: datastore watch failed, restarting', { err: String(err) });
        // Everything before now is unknown to the cache: resumes below it get 410 and relist.
        void this.ds.currentRevision().then((rev) => {
          if (this.closed) return;
          this.events = []; this.head = 0; this.oldest = rev; this.last = Math.max(this.last, rev);
          this.newest.clear();
          this.open(rev);
        });
      },
    });
  }

  /** The latest revision the cache has seen. */
  get revision(): number { return this.last; }

  /**
   * The stored value of `key` as of the newest event the window holds for it, if any. It may already be
   * stale (the cache trails the datastore by a few microtasks): only a hint that a compare-and-swap checks.
   * Upstream: cacher.go GuaranteedUpdate (cachedExistingObject).
   */
  latest(key: string): KeyValue | undefined {
    return this.newest.get(key)?.raw.kv;
  }

  close(): void {
    this.closed = true;
    this.dsWatch?.cancel();
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const set of this.watchers.values()) for (const w of [...set]) this.finish(w);
  }

  private onEvents(evs: DsEvent[]): void {
    for (const raw of evs) {
      const resource = this.table.forKey(raw.kv.key);
      if (!resource) { this.last = Math.max(this.last, raw.kv.modRevision); continue; }
      const ev = new CacheEvent(raw, resource);
      this.events.push(ev);
      if (raw.type === 'put') this.newest.set(ev.key, ev); else this.newest.delete(ev.key);
      this.last = ev.revision;
      if (this.events.length - this.head > this.window) {
        const gone = this.events[this.head]!;
        if (this.newest.get(gone.key) === gone) this.newest.delete(gone.key);
        this.oldest = gone.revision;
        this.head++;
        if (this.head > 4096) { this.events = this.events.slice(this.head); this.head = 0; }
      }
      const set = this.watchers.get(resource);
      if (set) for (const w of set) this.deliver(w, ev);
    }
  }

  /** Sends one event to one watcher, applying scope and selectors to old and new state as upstream. */
  private deliver(w: Watcher, ev: CacheEvent): void {
    try { this.deliverOne(w, ev); } catch (e) {
      this.opts.log?.('watch cache: event not delivered', { key: ev.key, err: String(e) });
    }
  }

  private deliverOne(w: Watcher, ev: CacheEvent): void {
    if (w.stopped || ev.revision <= w.after) return;
    if (w.pending) { w.pending.push(ev); return; }
    if (w.exactKey ? ev.key !== w.exactKey : !ev.key.startsWith(w.keyPrefix)) return;
    const m = w.req.match;
    let type: WatchEventType = ev.type;
    // Which stored state to send: the new one, or (a MODIFIED that leaves the selector) the previous one.
    let sendPrev = false;
    if (m) {
      const cur = m(ev.obj);
      if (type === 'DELETED') { if (!cur) return; }
      else if (type === 'ADDED') { if (!cur) return; }
      else {
        const prev = ev.prev;
        const old = prev ? m(prev) : false;
        if (cur && !old) type = 'ADDED';
        else if (!cur && old) {
          // Upstream: the previous content with the event's resourceVersion.
          type = 'DELETED';
          sendPrev = true;
        } else if (!cur) return;
      }
    }
    let object: KObject;
    if (w.sink.ownCopies) object = decodeKV(sendPrev ? ev.raw.prevKv! : ev.raw.kv, ev.revision);
    else if (sendPrev) object = { ...ev.prev!, metadata: { ...ev.prev!.metadata, resourceVersion: String(ev.revision) } };
    else object = ev.obj;
    w.lastSent = ev.revision;
    try { w.sink.event(type, object); } catch { this.finish(w); }
  }

  /**
   * Starts a watch. resourceVersion ""/"0"/undefined: ADDED for every current object first (read by
   * `listCurrent`), then changes; "N": the changes after N (410 Expired when N is older than the window).
   */
  watch(req: CacheWatchRequest, sink: WatchSink, listCurrent: () => Promise<{ items: KObject[]; revision: number }>): CacheWatch {
    const keyPrefix = listPrefix(req.resource, req.namespace);
    const w: Watcher = {
      req, sink, keyPrefix, after: 0, lastSent: 0, stopped: false,
      exactKey: req.name !== undefined && (req.namespace || !req.resource.namespaced) ? objectKey(req.resource, req.namespace, req.name) : undefined,
    };
    let set = this.watchers.get(req.resource);
    if (!set) this.watchers.set(req.resource, (set = new Set()));
    set.add(w);
    if (req.timeoutSeconds && req.timeoutSeconds > 0) {
      w.timer = setTimeout(() => this.finish(w), req.timeoutSeconds * 1000);
    }
    const rv = req.resourceVersion;
    if (!rv || rv === '0') {
      w.pending = [];
      listCurrent().then(({ items, revision }) => {
        if (w.stopped) return;
        for (const o of items) { if (!req.match || req.match(o)) sink.event('ADDED', o); }
        w.after = revision;
        w.lastSent = revision;
        const pend = w.pending!;
        w.pending = undefined;
        for (const ev of pend) this.deliver(w, ev);
      }).catch((e: unknown) => this.fail(w, e));
      return { stop: () => this.finish(w) };
    }
    const n = Number(rv);
    if (!Number.isInteger(n) || n < 0) {
      queueMicrotask(() => this.fail(w, Object.assign(gone(`too old resource version: ${rv} (${this.oldest})`), {})));
      return { stop: () => this.finish(w) };
    }
    if (n < this.oldest) {
      // Upstream: watch_cache.go getAllEventsSinceLocked.
      const err = gone(`too old resource version: ${n} (${this.oldest})`);
      queueMicrotask(() => this.fail(w, err));
      return { stop: () => this.finish(w) };
    }
    w.after = n;
    w.lastSent = n;
    // Replay from the window (binary search for the first event after n).
    let lo = this.head, hi = this.events.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.events[mid]!.revision <= n) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < this.events.length && !w.stopped; i++) {
      const ev = this.events[i]!;
      if (ev.resource === req.resource) this.deliver(w, ev);
    }
    return { stop: () => this.finish(w) };
  }

  /** Sends an ERROR event with the Status of err, then ends the watch. */
  private fail(w: Watcher, err: unknown): void {
    if (w.stopped) return;
    const st = (err as { toStatus?: () => object }).toStatus?.() ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(err), reason: 'InternalError', code: 500 };
    try { w.sink.event('ERROR', st as KObject); } catch { /* the sink is gone */ }
    this.finish(w);
  }

  private finish(w: Watcher): void {
    if (w.stopped) return;
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.watchers.get(w.req.resource)?.delete(w);
    try { w.sink.end(); } catch { /* ignore */ }
  }

  private sendBookmarks(): void {
    for (const [res, set] of this.watchers) {
      for (const w of set) {
        if (!w.req.allowBookmarks || w.pending || w.stopped || this.last <= w.lastSent) continue;
        w.lastSent = this.last;
        try {
          w.sink.event('BOOKMARK', { kind: res.kind, apiVersion: res.apiVersion, metadata: { resourceVersion: String(this.last) } });
        } catch { this.finish(w); }
      }
    }
  }

  /** Number of open watchers (for tests and metrics). */
  get watcherCount(): number { let n = 0; for (const s of this.watchers.values()) n += s.size; return n; }
}
