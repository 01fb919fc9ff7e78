// The verbs of the API, shared by the HTTP layer and the in-process client: main resources through the
// generic store, subresources through the special storage upstream has for them.
import { badRequest, methodNotSupported, StatusError, type Status } from '../api/errors.js';
import type { KList, KObject } from '../api/object.js';
import type { RequestContext } from './context.js';
import type { ResourceInfo, ResourceTable } from './resources.js';
import type { DeleteOptions, ListOptions, Store, WatchOptions, WriteResult } from './store/store.js';
import type { CacheWatch, WatchSink } from './store/watchcache.js';
import { createBinding } from './special/binding.js';
import { createEviction } from './special/eviction.js';
import { SCALABLE, applyScale, toScale } from './special/scale.js';
import { answerReview } from './special/reviews.js';

export type PatchKind = 'strategic' | 'merge' | 'json' | 'apply';

export class Api {
  constructor(readonly store: Store, readonly table: ResourceTable) {}

  private sub(r: ResourceInfo, sub: string, verb: string): void {
    const def = r.def.subresources?.find((s) => s.name === sub);
    const known = def || (sub === 'status' && r.def.hasStatus) || (sub === 'scale' && SCALABLE.has(`${r.group}/${r.resource}`)) ||
      (r.group === '' && ((r.resource === 'pods' && ['binding', 'eviction'].includes(sub)) || (r.resource === 'namespaces' && sub === 'finalize')));
    if (!known) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (def && !def.verbs.includes(verb) && !(verb === 'patch' && def.verbs.includes('update'))) {
      throw methodNotSupported(r.group, `${r.resource}/${sub}`, verb);
    }
  }

  private verb(r: ResourceInfo, verb: string): void {
    if (!r.verbs.includes(verb)) throw methodNotSupported(r.group, r.resource, verb);
  }

  async get(r: ResourceInfo, ns: string | undefined, name: string, sub?: string): Promise<KObject> {
    this.verb(r, 'get');
    if (!sub) return this.store.get(r, ns, name);
    this.sub(r, sub, 'get');
    const obj = await this.store.get(r, ns, name);
    return sub === 'scale' ? toScale(obj) : obj;
  }

  /** GET of a main resource as JSON text (no parse/serialize round trip). */
  getJSON(r: ResourceInfo, ns: string | undefined, name: string): Promise<string> {
    this.verb(r, 'get');
    return this.store.getJSON(r, ns, name);
  }

  list(r: ResourceInfo, ns: string | undefined, opts: ListOptions): Promise<KList> {
    this.verb(r, 'list');
    return this.store.list(r, ns, opts);
  }

  watch(r: ResourceInfo, ns: string | undefined, opts: WatchOptions, sink: WatchSink): CacheWatch {
    this.verb(r, 'watch');
    return this.store.watch(r, ns, opts, sink);
  }

  async create(r: ResourceInfo, ns: string | undefined, obj: KObject, ctx: RequestContext): Promise<KObject> {
    if (r.virtual) return answerReview(r, obj, ctx.user);
    this.verb(r, 'create');
    return this.store.create(r, ns, obj, ctx);
  }

  /** POST to a subresource: pods/binding, pods/eviction. */
  async createSub(r: ResourceInfo, ns: string | undefined, name: string, sub: string, body: KObject, ctx: RequestContext): Promise<KObject | Status> {
    this.sub(r, sub, 'create');
    if (r.group === '' && r.resource === 'pods' && sub === 'binding') return createBinding(this.store, r, ns, name, body, ctx);
    if (r.group === '' && r.resource === 'pods' && sub === 'eviction') return createEviction(this.store, r, ns, name, body, ctx);
    throw methodNotSupported(r.group, `${r.resource}/${sub}`, 'create');
  }

  async update(r: ResourceInfo, ns: string | undefined, name: string, obj: KObject, ctx: RequestContext, sub?: string): Promise<WriteResult> {
    this.verb(r, 'update');
    if (!sub || sub === 'status' || r.def.subresourceUpdates?.[sub]) {
      if (sub) this.sub(r, sub, 'update');
      return this.store.update(r, ns, name, obj, ctx, sub);
    }
    this.sub(r, sub, 'update');
    if (sub === 'scale') {
      const out = await this.store.guaranteedUpdate(r, ns, name, ctx, (cur) => applyScale(cur, obj, r.resource, r.group));
      return { obj: toScale(out), created: false };
    }
    if (sub === 'finalize') {
      // Upstream FinalizeStrategy: only spec.finalizers changes; the namespace goes once nothing holds it.
      const fins = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      const out = await this.store.systemUpdate(r, ns, name, (cur) => {
        const rv = obj.metadata?.resourceVersion;
        if (rv && rv !== cur.metadata.resourceVersion) throw badRequest('resourceVersion mismatch');
        ((cur.spec ??= {}) as { finalizers?: string[] }).finalizers = fins;
        return cur;
      }, ctx.dryRun);
      return { obj: out, created: false };
    }
    throw methodNotSupported(r.group, `${r.resource}/${sub}`, 'update');
  }

  async patch(r: ResourceInfo, ns: string | undefined, name: string, type: PatchKind, body: Buffer, ctx: RequestContext, opts: { sub?: string; force?: boolean; contentType?: string } = {}): Promise<WriteResult> {
    this.verb(r, 'patch');
    const sub = opts.sub;
    if (!sub || sub === 'status' || r.def.subresourceUpdates?.[sub]) {
      if (sub) this.sub(r, sub, 'patch');
      return this.store.patch(r, ns, name, type, body, ctx, { subresource: sub, force: opts.force, contentType: opts.contentType });
    }
    this.sub(r, sub, 'patch');
    if (sub === 'scale' && type !== 'apply') {
      const codec = this.store.codec;
      const out = await this.store.guaranteedUpdate(r, ns, name, ctx, (cur) => {
        const scale = codec.applyPatch(type, toScale(cur), body, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
        return applyScale(cur, scale, r.resource, r.group);
      });
      return { obj: toScale(out), created: false };
    }
    throw methodNotSupported(r.group, `${r.resource}/${sub}`, 'patch');
  }

  delete(r: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<KObject | Status> {
    this.verb(r, 'delete');
    return this.store.delete(r, ns, name, opts, ctx);
  }

  deleteCollection(r: ResourceInfo, ns: string | undefined, lo: ListOptions, opts: DeleteOptions, ctx: RequestContext): Promise<KList> {
    this.verb(r, 'deletecollection');
    return this.store.deleteCollection(r, ns, lo, opts, ctx);
  }
}
