// The etcd v3 backend (for several servers sharing one store), through the etcd3 npm client.
// Every write is one etcd transaction that compares the key's create/mod revision, exactly as
// kube-apiserver's etcd3 store does; etcd's global revision is the resourceVersion.
// Upstream: staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go (Create, GuaranteedUpdate, Delete).

import { Etcd3, type IKeyValue, type IRangeResponse, type IRequestOp, type Watcher } from 'etcd3';
import {
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError,
  type Datastore, type KeyValue, type RangeOptions, type RangeResult, type Watch, type WatchEvent, type WatchOptions,
} from './types.js';
import { prefixEnd } from './keys.js';
import { closedError, futureRevisionError } from './errors.js';
import { registerDatastore } from './registry.js';

/**
 * Where the last compaction is recorded, as kube-apiserver does (etcd itself does not expose it).
 * Upstream: staging/src/k8s.io/apiserver/pkg/storage/etcd3/compact.go, compactRevKey.
 */
export const COMPACT_REV_KEY = 'compact_rev_key';

/** etcd's "all keys from here on" range end. */
const RANGE_END_ALL = Buffer.from([0]);

export interface EtcdDatastoreOptions {
  /** Client URLs, e.g. ['http://127.0.0.1:2379']. */
  hosts: string[];
  dialTimeoutMs?: number;
}

export class EtcdDatastore implements Datastore {
  readonly name = 'etcd';
  private readonly client: Etcd3;
  private closed = false;
  private readonly watches = new Set<{ watcher?: Watcher; cancelled: boolean; opts: WatchOptions }>();

  constructor(opts: EtcdDatastoreOptions) {
    this.client = new Etcd3({ hosts: opts.hosts, dialTimeout: opts.dialTimeoutMs ?? 5000 });
  }

  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.client.get(COMPACT_REV_KEY).exec());
    return Number(res.header.revision);
  }

  async create(key: string, value: string): Promise<number> {
    const res = await this.call(() => this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(value)).commit());
    if (!res.succeeded) throw new KeyExistsError(key);
    return Number(res.header.revision);
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    const res = await this.call(() => this.client.if(key, 'Mod', '==', expectedModRevision)
      .then(this.client.put(key).value(value))
      .else(this.client.get(key))
      .commit());
    if (res.succeeded) return Number(res.header.revision);
    throw this.casFailure(key, expectedModRevision, res.responses[0]?.response_range);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    const del: IRequestOp = { request_delete_range: { key: Buffer.from(key), prev_kv: true } };
    // Unguarded deletes still go through a txn (on existence) so a missing key reports its current state.
    const res = await this.call(() => (expectedModRevision === undefined
      ? this.client.if(key, 'Create', '>', 0)
      : this.client.if(key, 'Mod', '==', expectedModRevision))
      .then(del).else(this.client.get(key)).commit());
    if (!res.succeeded) throw this.casFailure(key, expectedModRevision ?? 0, res.responses[0]?.response_range);
    const prevKv = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prevKv) throw new KeyNotFoundError(key); // deleted concurrently between compare and apply: cannot happen in one txn
    return { revision: Number(res.header.revision), prev: toKv(prevKv) };
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const b = this.client.get(key);
    if (revision && revision > 0) b.revision(revision);
    const res = await this.call(() => b.exec(), revision);
    const kv = res.kvs[0];
    return kv ? toKv(kv) : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const start = opts.startAfter !== undefined && opts.startAfter >= prefix ? opts.startAfter + '\0' : prefix;
    const end = prefixEnd(prefix);
    const b = this.client.getAll().inRange({ start: start === '' ? RANGE_END_ALL : start, end: end ?? RANGE_END_ALL });
    if (opts.limit && opts.limit > 0) b.limit(opts.limit);
    if (opts.revision && opts.revision > 0) b.revision(opts.revision);
    const res = await this.call(() => b.exec(), opts.revision);
    return {
      kvs: res.kvs.map(toKv),
      revision: opts.revision && opts.revision > 0 ? opts.revision : Number(res.header.revision),
      more: Boolean(res.more),
    };
  }

  async count(prefix: string): Promise<number> {
    const end = prefixEnd(prefix);
    return this.call(() => this.client.getAll().inRange({ start: prefix === '' ? RANGE_END_ALL : prefix, end: end ?? RANGE_END_ALL }).count());
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    const entry: { watcher?: Watcher; cancelled: boolean; opts: WatchOptions } = { cancelled: false, opts };
    const cancel = (): void => {
      entry.cancelled = true;
      this.watches.delete(entry);
      void entry.watcher?.cancel().catch(() => undefined);
    };
    if (this.closed) {
      queueMicrotask(() => opts.onError(closedError()));
      return { cancel: () => { entry.cancelled = true; } };
    }
    this.watches.add(entry);
    let lastRevision = opts.afterRevision;
    const fail = (err: Error): void => {
      if (entry.cancelled) return;
      cancel();
      opts.onError(err);
    };
    const end = prefixEnd(prefix);
    const builder = this.client.watch()
      .inRange({ start: prefix === '' ? RANGE_END_ALL : prefix, end: end ?? RANGE_END_ALL })
      .withPreviousKV()
      .startRevision(String(opts.afterRevision + 1));
    const watcher = builder.watcher();
    entry.watcher = watcher;
    watcher.on('data', (res) => {
      if (entry.cancelled || res.events.length === 0) return;
      const events = res.events.map(toEvent);
      lastRevision = events[events.length - 1]!.kv.modRevision;
      try {
        opts.onEvents(events);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
    // The client re-establishes dropped streams from its last revision by itself ('disconnected'); an
    // 'error' means etcd cancelled the watch, which for a start revision below compaction is ErrCompacted.
    watcher.on('error', (err: Error) => {
      if (entry.cancelled) return;
      this.compactedCause(lastRevision + 1, err).then(fail, fail);
    });
    return { cancel };
  }

  async compact(revision: number): Promise<void> {
    const res = await this.call(() => this.client.get(COMPACT_REV_KEY).exec());
    const current = Number(res.header.revision);
    if (revision > current) throw futureRevisionError();
    const recorded = res.kvs[0];
    if (recorded && Number(recorded.value.toString()) >= revision) return;
    try {
      await this.client.kv.compact({ revision: String(revision), physical: true });
    } catch (err) {
      if (!isCompacted(err)) throw this.mapError(err, revision);
    }
    // Record it only if nobody else recorded a newer one meanwhile (compare on the key's version).
    await this.call(() => this.client.if(COMPACT_REV_KEY, 'Mod', '==', recorded ? Number(recorded.mod_revision) : 0)
      .then(this.client.put(COMPACT_REV_KEY).value(String(revision)))
      .commit());
  }

  async compactedRevision(): Promise<number> {
    const v = await this.call(() => this.client.get(COMPACT_REV_KEY).string());
    return v ? Number(v) : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) {
      w.cancelled = true;
      queueMicrotask(() => w.opts.onError(closedError()));
    }
    this.watches.clear();
    this.client.close();
  }

  /** Runs an etcd call, translating etcd's errors into the contract's typed errors. */
  private async call<T>(fn: () => Promise<T>, requestedRevision?: number): Promise<T> {
    if (this.closed) throw closedError();
    try {
      return await fn();
    } catch (err) {
      throw await this.mapErrorAsync(err, requestedRevision ?? 0);
    }
  }

  private async mapErrorAsync(err: unknown, requested: number): Promise<Error> {
    if (isCompacted(err)) return new CompactedError(requested, await this.compactedRevision().catch(() => 0));
    return this.mapError(err, requested);
  }

  private mapError(err: unknown, requested: number): Error {
    if (isCompacted(err)) return new CompactedError(requested, 0);
    if (err instanceof Error && err.message.includes('required revision is a future revision')) return futureRevisionError();
    return err instanceof Error ? err : new Error(String(err));
  }

  /** Whether a cancelled watch failed because startRevision is compacted: probes a read at that revision. */
  private async compactedCause(startRevision: number, original: Error): Promise<Error> {
    try {
      await this.client.get(COMPACT_REV_KEY).revision(startRevision).exec();
    } catch (err) {
      if (isCompacted(err)) return new CompactedError(startRevision, await this.compactedRevision().catch(() => 0));
      if (err instanceof Error && err.message.includes('future revision')) return original;
    }
    return original;
  }

  private casFailure(key: string, expected: number, current: IRangeResponse | undefined): Error {
    const kv = current?.kvs?.[0];
    if (!kv) return new KeyNotFoundError(key);
    return new RevisionMismatchError(key, expected, Number(kv.mod_revision));
  }
}

function isCompacted(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

function toKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function toEvent(e: { type: string; kv: IKeyValue; prev_kv?: IKeyValue | null }): WatchEvent {
  const prevKv = e.prev_kv ? toKv(e.prev_kv) : undefined;
  if (e.type === 'Delete') {
    // etcd's delete event has an empty value; the contract carries the removed value at the delete revision.
    const rev = Number(e.kv.mod_revision);
    const kv: KeyValue = prevKv ? { ...prevKv, modRevision: rev } : { key: e.kv.key.toString(), value: '', createRevision: 0, modRevision: rev };
    return prevKv ? { type: 'delete', kv, prevKv } : { type: 'delete', kv };
  }
  const kv = toKv(e.kv);
  // etcd sends prev_kv for every put it has a previous version for; a create (version 1) has none.
  return prevKv && kv.createRevision !== kv.modRevision ? { type: 'put', kv, prevKv } : { type: 'put', kv };
}

/** `etcd://host:port[,host:port…]` → client URLs. */
export function etcdHostsFromUrl(url: URL | string): string[] {
  const text = typeof url === 'string' ? url : url.href;
  const rest = text.replace(/^etcd:\/\//, '').replace(/\/.*$/, '');
  const hosts = rest.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw new Error(`etcd datastore "${text}": expected etcd://host:port[,host:port…]`);
  return hosts.map((h) => `http://${h}`);
}

registerDatastore('etcd', async (url) => {
  const ds = new EtcdDatastore({ hosts: etcdHostsFromUrl(url) });
  await ds.currentRevision(); // fail fast when etcd is unreachable
  return ds;
});
