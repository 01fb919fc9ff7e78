// In-process fan-out of committed events to watchers, shared by the backends that own their storage
// (memory, sqlite). A backend reads the catch-up backlog and registers the watcher in the same synchronous
// step, so no commit can fall between the two; every delivery then goes through the watcher's own queue
// on a microtask, which keeps events in revision order and never runs user code inside a write.

import type { Watch, WatchEvent, WatchOptions } from './types.js';
import { prefixMatches } from './keys.js';

interface Watcher {
  prefix: string;
  opts: WatchOptions;
  pending: WatchEvent[];
  scheduled: boolean;
  done: boolean;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  /** Registers a watcher that first receives `backlog` (already filtered and ordered), then live events. */
  add(prefix: string, opts: WatchOptions, backlog: WatchEvent[]): Watch {
    const w: Watcher = { prefix, opts, pending: [], scheduled: false, done: false };
    this.watchers.add(w);
    if (backlog.length > 0) this.enqueue(w, backlog);
    return { cancel: () => this.remove(w) };
  }

  /** Fails a watch that could not start (e.g. CompactedError), asynchronously like every other delivery. */
  failed(opts: WatchOptions, err: Error): Watch {
    let cancelled = false;
    queueMicrotask(() => { if (!cancelled) opts.onError(err); });
    return { cancel: () => { cancelled = true; } };
  }

  /** Delivers the events of one commit (in revision order) to the watchers whose prefix matches. */
  publish(events: WatchEvent[]): void {
    for (const w of this.watchers) {
      const matching = events.filter((e) => prefixMatches(e.kv.key, w.prefix));
      if (matching.length > 0) this.enqueue(w, matching);
    }
  }

  /** Ends every watch with err (used on close). */
  closeAll(err: Error): void {
    for (const w of [...this.watchers]) {
      this.remove(w);
      queueMicrotask(() => w.opts.onError(err));
    }
  }

  get size(): number { return this.watchers.size; }

  private remove(w: Watcher): void {
    w.done = true;
    w.pending = [];
    this.watchers.delete(w);
  }

  private enqueue(w: Watcher, events: WatchEvent[]): void {
    for (const e of events) w.pending.push(e);
    if (w.scheduled) return;
    w.scheduled = true;
    queueMicrotask(() => {
      w.scheduled = false;
      if (w.done || w.pending.length === 0) return;
      const batch = w.pending;
      w.pending = [];
      try {
        w.opts.onEvents(batch);
      } catch (err) {
        // A throwing consumer must not break the writer or other watchers; end only this watch.
        this.remove(w);
        w.opts.onError(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}
