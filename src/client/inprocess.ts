// The in-process Client: calls the API server's verbs directly (same admission, validation and storage as
// HTTP). Callers never alias what the server keeps: inputs are copied (the store fills in and changes the
// object it is given), and what comes out (reads, write results, watch events) is made for this caller alone.
import type { GVR } from '../api/gvr.js';
import type { KList, KObject, WatchEvent } from '../api/object.js';
import { notFound, type Status } from '../api/errors.js';
import type { Client, DeleteOptions, ListOptions, PatchOptions, PatchType, WatchHandle, WatchOptions, WriteOptions } from './types.js';
import type { Api } from '../apiserver/api.js';
import type { ResourceInfo, ResourceTable } from '../apiserver/resources.js';
import { makeContext, type RequestContext, type UserInfo } from '../apiserver/context.js';
import { deepCopy as copy } from '../api/copy.js';

export class InProcessClient implements Client {
  constructor(
    private readonly api: () => Promise<Api>,
    private readonly table: ResourceTable,
    private readonly user: UserInfo,
    private readonly now: () => Date,
  ) {}

  private res(gvr: GVR): ResourceInfo {
    const r = this.table.forGVR(gvr);
    if (!r) throw notFound(gvr.group, gvr.resource, '');
    return r;
  }
  private ns(r: ResourceInfo, ns: string | undefined): string | undefined { return r.namespaced ? ns || undefined : undefined; }
  private ctx(o: WriteOptions & { force?: boolean } = {}): RequestContext {
    return makeContext(this.user, this.now(), { dryRun: !!o.dryRun, fieldManager: o.fieldManager ?? 'stowage', fieldValidation: o.fieldValidation ?? 'Ignore' });
  }

  async get<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string): Promise<T> {
    const r = this.res(gvr);
    return (await (await this.api()).get(r, this.ns(r, namespace), name)) as T; // freshly decoded: no copy needed
  }

  async list<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts: ListOptions = {}): Promise<KList<T>> {
    const r = this.res(gvr);
    return (await (await this.api()).list(r, this.ns(r, namespace), opts)) as unknown as KList<T>;
  }

  watch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    let stop: (() => void) | undefined;
    let stopped = false;
    let resolve!: () => void, reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    void (async () => {
      try {
        const r = this.res(gvr);
        const api = await this.api();
        if (stopped) { resolve(); return; }
        const w = api.watch(r, this.ns(r, namespace), opts, {
          // Every watcher gets its own objects, decoded for it by the cache from the stored text (no copy here).
          ownCopies: true,
          event: (type, object) => { if (!stopped) onEvent({ type, object: object as T }); },
          end: () => resolve(),
        });
        stop = () => w.stop();
        if (stopped) w.stop();
      } catch (e) { reject(e); }
    })();
    return { stop: () => { stopped = true; stop?.(); resolve(); }, done };
  }

  async create<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts: WriteOptions = {}): Promise<T> {
    const r = this.res(gvr);
    const api = await this.api();
    const ns = this.ns(r, namespace ?? obj.metadata?.namespace);
    if (opts.subresource) throw notFound(r.group, `${r.resource}/${opts.subresource}`, '');
    return (await api.create(r, ns, copy(obj), this.ctx(opts))) as T;
  }

  async update<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts: WriteOptions = {}): Promise<T> {
    const r = this.res(gvr);
    const api = await this.api();
    const ns = this.ns(r, namespace ?? obj.metadata?.namespace);
    return (await api.update(r, ns, obj.metadata.name!, copy(obj), this.ctx(opts), opts.subresource)).obj as T;
  }

  async patch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const r = this.res(gvr);
    const api = await this.api();
    const body = Buffer.isBuffer(patch) ? patch : Buffer.from(typeof patch === 'string' ? patch : JSON.stringify(patch));
    return (await api.patch(r, this.ns(r, namespace), name, type, body, this.ctx(opts), { sub: opts.subresource, force: opts.force, contentType: 'application/json' })).obj as T;
  }

  async delete(gvr: GVR, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KObject | Status> {
    const r = this.res(gvr);
    const api = await this.api();
    return api.delete(r, this.ns(r, namespace), name, { gracePeriodSeconds: opts.gracePeriodSeconds, propagationPolicy: opts.propagationPolicy, preconditions: opts.preconditions }, this.ctx({ dryRun: opts.dryRun }));
  }

  async createSubresource(gvr: GVR, namespace: string | undefined, name: string, subresource: string, body: KObject, opts: WriteOptions = {}): Promise<KObject | Status> {
    const r = this.res(gvr);
    const api = await this.api();
    return api.createSub(r, this.ns(r, namespace), name, subresource, copy(body), this.ctx(opts));
  }
}
