// A shared informer as client-go's: LIST, then WATCH from the list's resourceVersion, keeping a local cache
// that controllers read instead of the API. A watch that ends is resumed from the last seen
// resourceVersion; a 410 Gone (history compacted) relists and reports the differences as events.
// Indexes answer "which objects have this value" without scanning (e.g. PVs by claim, pods by node).
// Upstream: k8s.io/client-go/tools/cache (reflector.go, shared_informer.go, thread_safe_store.go)
import type { GVR } from '../api/gvr.js';
import { objectKey, type KObject } from '../api/object.js';
import { isStatusError } from '../api/errors.js';
import type { Client, ListOptions, WatchHandle } from './types.js';

export interface EventHandlers<T extends KObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** obj is the last known state. */
  onDelete?(obj: T): void;
}

export type IndexFunc<T extends KObject> = (obj: T) => string[];

export interface InformerOptions extends Pick<ListOptions, 'labelSelector' | 'fieldSelector'> {
  namespace?: string;
  /** Calls onUpdate(obj, obj) for every cached object this often (ms), as upstream resync; 0 = never. */
  resyncMs?: number;
  /** Delay before re-establishing a failed watch (ms). */
  retryMs?: number;
}

export class Informer<T extends KObject = KObject> {
  private cache = new Map<string, T>();
  private handlers: EventHandlers<T>[] = [];
  private indexers = new Map<string, IndexFunc<T>>();
  private indices = new Map<string, Map<string, Set<string>>>();
  private watchHandle?: WatchHandle;
  private stopped = false;
  private lastRV = '';
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private resyncTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;

  constructor(private readonly client: Client, readonly gvr: GVR, private readonly opts: InformerOptions = {}) {}

  addEventHandler(h: EventHandlers<T>): void {
    this.handlers.push(h);
    // Late handlers see the current state as adds, as upstream does.
    if (this.synced) for (const o of this.cache.values()) h.onAdd?.(o);
  }

  /** Registers an index; must be called before start(). */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
  }

  get(key: string): T | undefined { return this.cache.get(key); }
  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }
  list(): T[] { return [...this.cache.values()]; }
  keys(): string[] { return [...this.cache.keys()]; }
  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) { const o = this.cache.get(k); if (o) out.push(o); }
    return out;
  }
  get hasSynced(): boolean { return this.synced; }
  get resourceVersion(): string { return this.lastRV; }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Lists, then watches. Idempotent: concurrent and repeated calls share one start. */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    await this.relist();
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
    this.startWatch();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => {
        for (const o of this.cache.values()) for (const h of this.handlers) h.onUpdate?.(o, o);
      }, this.opts.resyncMs);
      this.resyncTimer.unref?.();
    }
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  private async relist(): Promise<void> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = '';
    do {
      const list = await this.client.list<T>(this.gvr, this.opts.namespace, {
        labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, limit: 5000, continue: cont,
      });
      for (const o of list.items) { seen.add(objectKey(o)); this.upsert(o); }
      cont = list.metadata.continue || undefined;
      rv = list.metadata.resourceVersion ?? rv;
    } while (cont);
    for (const [k, o] of [...this.cache]) if (!seen.has(k)) this.remove(o);
    this.lastRV = rv;
  }

  private startWatch(): void {
    if (this.stopped) return;
    let gone = false;
    this.watchHandle = this.client.watch<T>(this.gvr, this.opts.namespace, {
      resourceVersion: this.lastRV, allowWatchBookmarks: true,
      labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector,
    }, (ev) => {
      switch (ev.type) {
        case 'ADDED': case 'MODIFIED': this.upsert(ev.object); break;
        case 'DELETED': this.remove(ev.object); break;
        case 'BOOKMARK': break;
        case 'ERROR': {
          const st = ev.object as unknown as { code?: number };
          if (st.code === 410) gone = true;
          return;
        }
      }
      const rv = ev.object.metadata?.resourceVersion;
      if (rv) this.lastRV = rv;
    });
    const again = async (err?: unknown) => {
      if (this.stopped) return;
      if (err && isStatusError(err) && err.code === 410) gone = true;
      if (err || gone) await new Promise((r) => setTimeout(r, this.opts.retryMs ?? (gone ? 0 : 200)));
      if (this.stopped) return;
      if (gone) {
        try { await this.relist(); } catch { await new Promise((r) => setTimeout(r, this.opts.retryMs ?? 500)); return again(new Error('relist failed')); }
      }
      this.startWatch();
    };
    this.watchHandle.done.then(() => again(), (err) => again(err));
  }

  private upsert(o: T): void {
    const key = objectKey(o);
    const old = this.cache.get(key);
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    this.cache.set(key, o);
    this.reindex(key, old, o);
    for (const h of this.handlers) old ? h.onUpdate?.(old, o) : h.onAdd?.(o);
  }

  private remove(o: T): void {
    const key = objectKey(o);
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    this.reindex(key, old, undefined);
    for (const h of this.handlers) h.onDelete?.(o);
  }

  private reindex(key: string, oldObj: T | undefined, newObj: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      if (oldObj) for (const v of fn(oldObj)) { const s = idx.get(v); s?.delete(key); if (s && s.size === 0) idx.delete(v); }
      if (newObj) for (const v of fn(newObj)) { let s = idx.get(v); if (!s) idx.set(v, (s = new Set())); s.add(key); }
    }
  }
}

/** One informer per resource (and options), shared by every controller in the process. */
export class InformerFactory {
  private informers = new Map<string, Informer<KObject>>();
  constructor(private readonly client: Client) {}
  for<T extends KObject = KObject>(gvr: GVR, opts: InformerOptions = {}): Informer<T> {
    const k = `${gvr.group}/${gvr.resource}?${opts.namespace ?? ''}&${opts.labelSelector ?? ''}&${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(k);
    if (!inf) { inf = new Informer(this.client, gvr, opts); this.informers.set(k, inf); }
    return inf as unknown as Informer<T>;
  }
  async startAll(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }
  stopAll(): void { for (const i of this.informers.values()) i.stop(); }
}
