// The generic store: every verb for every kind over the Datastore, driven by the KindDef hooks and the
// admission chain. Upstream: k8s.io/apiserver/pkg/registry/generic/registry/store.go,
// k8s.io/apiserver/pkg/registry/rest (create.go, update.go, delete.go).
import {
  alreadyExists, badRequest, conflict, invalid, notFound, OBJECT_MODIFIED, StatusError, gone, type Status,
} from '../../api/errors.js';
import type { FieldError } from '../../api/field.js';
import { forbidden as fieldForbidden, required as fieldRequired } from '../../api/field.js';
import type { KList, KObject } from '../../api/object.js';
import {
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError, type Datastore, type KeyValue,
} from '../../datastore/types.js';
import type { StrategyContext } from '../../registry/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission/types.js';
import type { Codec } from '../codec-bridge.js';
import type { RequestContext } from '../context.js';
import { listPrefix, objectKey, type ResourceInfo, type ResourceTable } from '../resources.js';
import { decodeKV, deepCopy, encodeObject, jsonEqual, rawWithRV } from './codec.js';
import { decodeContinue, encodeContinue } from './continue.js';
import { fillCreateMeta, generateName, keepUpdateMeta, tidyMeta, timestamp } from './meta.js';
import { and, fieldGetters, parseFieldSelector, parseLabelSelector, type FieldGetter, type Matcher } from './selectors.js';
import type { CacheWatch, WatchCache, WatchSink } from './watchcache.js';
import type { ListOptions as ClientListOptions } from '../../client/types.js';

/** The client's list options, as they arrive from a query string (resourceVersionMatch unchecked yet). */
export interface ListOptions extends Omit<ClientListOptions, 'resourceVersionMatch'> {
  resourceVersionMatch?: string;
  /** Items may be RawJSON (unparsed stored text) when no selector needs the object: for HTTP answers. */
  raw?: boolean;
}
export interface WatchOptions extends ListOptions { allowWatchBookmarks?: boolean; timeoutSeconds?: number }
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Per-resource storage behaviour where upstream has special REST storage (pods, namespaces). */
export interface StorageHooks {
  /** Upstream CheckGracefulDelete: the grace period to mark the object with, or 0 to delete now. */
  gracePeriod?(obj: KObject, opts: DeleteOptions): number;
  /** Upstream ReturnDeletedObject: answer a delete with the object instead of a Status. */
  returnDeletedObject?: boolean;
  /** Upstream PrepareForCreate parts that belong to the REST storage (namespaces: finalizer, phase). */
  beforeCreate?(obj: KObject): void;
  /** Runs after a persisted create (e.g. a namespace's "default" ServiceAccount). */
  afterCreate?(obj: KObject, store: Store): Promise<void>;
  /** Replaces the generic delete (namespaces: mark Terminating). Returns undefined to continue generically. */
  beforeDelete?(obj: KObject, opts: DeleteOptions, ctx: RequestContext, store: Store): Promise<KObject | undefined>;
  /** After an update: true = the object is finished and must be removed (namespaces after /finalize). */
  deleteAfterUpdate?(obj: KObject): boolean;
}

export interface WriteResult { obj: KObject; created: boolean }

const MAX_RETRIES = 5;

/** Objects a delete only marked (graceful or finalizers pending): HTTP answers them 202 as upstream. */
export const markedForDeletion = new WeakSet<object>();

export class Store {
  private getters = new Map<ResourceInfo, Record<string, FieldGetter>>();
  readonly hooks = new Map<ResourceInfo, StorageHooks>();

  constructor(
    readonly ds: Datastore,
    readonly table: ResourceTable,
    readonly cache: WatchCache,
    readonly codec: Codec,
    private readonly mutating: AdmissionPlugin[],
    private readonly validating: AdmissionPlugin[],
  ) {}

  // ---- reads ---------------------------------------------------------------------------------------

  async get(r: ResourceInfo, ns: string | undefined, name: string): Promise<KObject> {
    const kv = await this.ds.get(objectKey(r, ns, name));
    if (!kv) throw notFound(r.group, r.resource, name);
    return decodeKV(kv);
  }

  /** The stored JSON text with its resourceVersion, without parsing (HTTP GET fast path). */
  async getJSON(r: ResourceInfo, ns: string | undefined, name: string): Promise<string> {
    const kv = await this.ds.get(objectKey(r, ns, name));
    if (!kv) throw notFound(r.group, r.resource, name);
    return rawWithRV(kv)?.json ?? JSON.stringify(decodeKV(kv));
  }

  /** Stored object or undefined (no 404), for admission and special storage. */
  async tryGet(r: ResourceInfo, ns: string | undefined, name: string): Promise<KObject | undefined> {
    const kv = await this.ds.get(objectKey(r, ns, name));
    return kv ? decodeKV(kv) : undefined;
  }

  private selectors(r: ResourceInfo, opts: ListOptions): { match?: Matcher; name?: string } {
    let getters = this.getters.get(r);
    if (!getters) this.getters.set(r, (getters = fieldGetters(r.def)));
    const f = parseFieldSelector(opts.fieldSelector, getters);
    return { match: and(parseLabelSelector(opts.labelSelector), f.match), name: f.name };
  }

  async list(r: ResourceInfo, ns: string | undefined, opts: ListOptions = {}): Promise<KList> {
    const { match, name } = this.selectors(r, opts);
    const prefix = listPrefix(r, ns);
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continue) {
      const c = decodeContinue(opts.continue, prefix);
      revision = c.revision; startAfter = c.startAfter;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0' && opts.resourceVersionMatch === 'Exact') {
      revision = Number(opts.resourceVersion);
      if (!Number.isInteger(revision) || revision <= 0) throw badRequest(`invalid resource version: ${opts.resourceVersion}`);
    } else if (opts.resourceVersionMatch === 'Exact') {
      throw new StatusError(422, 'Invalid', `resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "${opts.resourceVersion ?? ''}"`);
    }
    if (revision === undefined && opts.resourceVersion && opts.resourceVersion !== '0') await this.waitForRevision(opts.resourceVersion);
    const items: KObject[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let cont = '';
    try {
      if (name !== undefined && (ns || !r.namespaced) && !opts.continue) {
        // fieldSelector metadata.name=X (kubectl's informers): one key, not a scan.
        const kv = await this.ds.get(objectKey(r, ns, name), revision);
        const rev = revision ?? (await this.ds.currentRevision());
        if (kv) { const o = decodeKV(kv); if (!match || match(o)) items.push(o); }
        return this.listOf(r, items, rev, '');
      }
      for (;;) {
        const want = limit ? limit - items.length : 0;
        // With selectors a page may hold fewer matches than asked: read more than the remainder.
        const res = await this.ds.range(prefix, { revision, startAfter, limit: want ? (match ? Math.max(want, 256) : want + 0) : 0 });
        revision = res.revision;
        let last: string | undefined;
        for (const kv of res.kvs) {
          last = kv.key;
          const raw = opts.raw && !match ? rawWithRV(kv) : undefined;
          if (raw) {
            items.push(raw as unknown as KObject);
            if (limit && items.length >= limit) break;
            continue;
          }
          const o = decodeKV(kv);
          if (!match || match(o)) {
            items.push(o);
            if (limit && items.length >= limit) break;
          }
        }
        const moreInStore = res.more || (last !== undefined && last !== res.kvs[res.kvs.length - 1]?.key);
        if (limit && items.length >= limit) {
          if (moreInStore) cont = encodeContinue(revision, last!, prefix);
          break;
        }
        if (!res.more || !last) break;
        startAfter = last;
      }
    } catch (e) {
      if (e instanceof CompactedError) {
        if (opts.continue) throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        throw gone(`The resourceVersion for the provided list is too old.`);
      }
      throw e;
    }
    return this.listOf(r, items, revision!, cont);
  }

  /**
   * resourceVersion=N (NotOlderThan) newer than the store: wait up to 3 s, then 504 as upstream.
   * Upstream: k8s.io/apiserver/pkg/storage/cacher (waitUntilFreshAndBlock), errors.NewTooLargeResourceVersionError.
   */
  private async waitForRevision(rv: string): Promise<void> {
    const want = Number(rv);
    if (!Number.isInteger(want) || want < 0) throw badRequest(`invalid resource version: ${rv}`);
    const deadline = Date.now() + 3000;
    for (;;) {
      const cur = await this.ds.currentRevision();
      if (cur >= want) return;
      if (Date.now() > deadline) {
        throw new StatusError(504, 'Timeout', `Too large resource version: ${want}, current: ${cur}`,
          { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private listOf(r: ResourceInfo, items: KObject[], revision: number, cont: string): KList {
    const metadata: KList['metadata'] = { resourceVersion: String(revision) };
    if (cont) metadata.continue = cont;
    return { apiVersion: r.apiVersion, kind: r.listKind, metadata, items };
  }

  watch(r: ResourceInfo, ns: string | undefined, opts: WatchOptions, sink: WatchSink): CacheWatch {
    const { match, name } = this.selectors(r, opts);
    return this.cache.watch(
      { resource: r, namespace: ns, name, match, resourceVersion: opts.resourceVersion, allowBookmarks: opts.allowWatchBookmarks, timeoutSeconds: opts.timeoutSeconds },
      sink,
      async () => {
        if (name !== undefined && (ns || !r.namespaced)) {
          const kv = await this.ds.get(objectKey(r, ns, name));
          const revision = await this.ds.currentRevision();
          return { items: kv ? [decodeKV(kv)] : [], revision: Math.max(revision, kv?.modRevision ?? 0) };
        }
        const res = await this.ds.range(listPrefix(r, ns));
        return { items: res.kvs.map((kv) => decodeKV(kv)), revision: res.revision };
      },
    );
  }

  // ---- writes --------------------------------------------------------------------------------------

  private strategyCtx(ctx: RequestContext): StrategyContext { return { now: ctx.now, dryRun: ctx.dryRun }; }

  private async admit(phase: 'admit' | 'validate', a: AdmissionAttributes): Promise<void> {
    for (const p of phase === 'admit' ? this.mutating : this.validating) {
      const fn = phase === 'admit' ? p.admit : p.validate;
      if (fn) await fn.call(p, a, this);
    }
  }

  private checkScope(r: ResourceInfo, ns: string | undefined, obj: KObject): void {
    if (r.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace;
      if (!obj.metadata.namespace) throw badRequest('the server could not find the requested resource');
    } else {
      delete obj.metadata.namespace;
    }
  }

  private checkKind(r: ResourceInfo, obj: KObject, sub?: string): void {
    if (sub) return;
    if (obj.kind && obj.kind !== r.kind) {
      throw badRequest(`the API version in the data (${obj.apiVersion ?? ''}) does not match the expected API version (${r.apiVersion})`);
    }
    obj.apiVersion = r.apiVersion;
    obj.kind = r.kind;
  }

  private fail(r: ResourceInfo, name: string, errs: FieldError[] | undefined): void {
    if (errs && errs.length) throw invalid(r.group, r.kind, name, errs);
  }

  /** POST: create an object. */
  async create(r: ResourceInfo, ns: string | undefined, input: KObject, ctx: RequestContext): Promise<KObject> {
    const obj = input;
    obj.metadata ??= {};
    this.checkKind(r, obj);
    this.checkScope(r, ns, obj);
    const def = r.def;
    def.defaults?.(obj);
    const genBase = !obj.metadata.name && obj.metadata.generateName ? obj.metadata.generateName : undefined;
    if (genBase) obj.metadata.name = generateName(genBase);
    const name = obj.metadata.name ?? '';
    await this.admit('admit', { operation: 'CREATE', resource: r, namespace: obj.metadata.namespace, name, obj, ctx });
    fillCreateMeta(obj, ctx.now);
    this.hooks.get(r)?.beforeCreate?.(obj);
    def.prepareForCreate?.(obj, this.strategyCtx(ctx));
    const errs: FieldError[] = [];
    if (!obj.metadata.name) errs.push(fieldRequired('metadata.name', 'name or generateName is required'));
    errs.push(...(def.validate?.(obj, this.strategyCtx(ctx)) ?? []));
    this.fail(r, name, errs);
    ctx.warnings.push(...(def.warnings?.(obj) ?? []));
    await this.admit('validate', { operation: 'CREATE', resource: r, namespace: obj.metadata.namespace, name, obj, ctx });
    // An apply that creates already recorded its Apply entry (it passes no manager here).
    if (ctx.fieldManager) this.codec.recordUpdate({ updated: obj, manager: ctx.fieldManager, gvk: r.gvk, now: ctx.now });
    tidyMeta(obj);
    if (ctx.dryRun) {
      if (await this.ds.get(objectKey(r, obj.metadata.namespace, obj.metadata.name!))) throw alreadyExists(r.group, r.resource, obj.metadata.name!);
      return obj;
    }
    // Upstream (RetryGenerateName): a generated name that collides is regenerated a few times.
    for (let attempt = 0; ; attempt++) {
      const key = objectKey(r, obj.metadata.namespace, obj.metadata.name!);
      try {
        const rev = await this.ds.create(key, encodeObject(obj));
        obj.metadata.resourceVersion = String(rev);
        break;
      } catch (e) {
        if (e instanceof KeyExistsError) {
          if (genBase && attempt < 7) { obj.metadata.name = generateName(genBase); continue; }
          throw alreadyExists(r.group, r.resource, obj.metadata.name!);
        }
        throw e;
      }
    }
    const hooks = this.hooks.get(r);
    if (hooks?.afterCreate) await hooks.afterCreate(deepCopy(obj), this);
    return obj;
  }

  /**
   * PUT: replace an object (or its status with subresource "status"). A resourceVersion in the body is a
   * precondition; without one the update is unconditional.
   */
  async update(r: ResourceInfo, ns: string | undefined, name: string, input: KObject, ctx: RequestContext, subresource?: string): Promise<WriteResult> {
    input.metadata ??= {};
    if (input.metadata.name !== undefined && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    this.checkKind(r, input, subresource);
    this.checkScope(r, ns, input);
    input.metadata.name = name;
    const key = objectKey(r, ns, name);
    const fromCache = this.updateFromCache(r, key, input, ctx, subresource);
    if (fromCache) return { obj: await fromCache, created: false };
    const kv = await this.ds.get(key);
    if (!kv) {
      if (r.def.allowCreateOnUpdate && !subresource) return { obj: await this.create(r, ns, input, ctx), created: true };
      throw notFound(r.group, r.resource, name);
    }
    return { obj: await this.updateFrom(r, kv, input, ctx, subresource), created: false };
  }

  /**
   * An update whose resourceVersion precondition names the version the watch cache holds starts from that
   * cached value instead of reading the datastore (upstream GuaranteedUpdate with cachedExistingObject). The
   * compare-and-swap still guards the write; when anything fails, a datastore read tells whether the cached
   * value was current (the error stands) or stale (then the answer is what the read would have given: 404 or
   * the 409 for a changed object). Undefined when the cache can not be used.
   */
  private updateFromCache(r: ResourceInfo, key: string, input: KObject, ctx: RequestContext, subresource?: string): Promise<KObject> | undefined {
    const rv = input.metadata.resourceVersion;
    // A missing object may be created by an update of these kinds: leave that to the datastore read.
    if (!rv || (r.def.allowCreateOnUpdate && !subresource)) return undefined;
    const cached = this.cache.latest(key);
    if (!cached || String(cached.modRevision) !== rv) return undefined;
    const warnings = ctx.warnings.length;
    return this.updateFrom(r, cached, input, ctx, subresource).catch(async (e: unknown) => {
      const cur = await this.ds.get(key);
      if (cur?.modRevision === cached.modRevision) throw e;
      ctx.warnings.length = warnings;
      const name = input.metadata.name!;
      if (!cur) throw notFound(r.group, r.resource, name);
      throw conflict(r.group, r.resource, name, OBJECT_MODIFIED);
    });
  }

  /** The shared part of update and patch: strategy, validation, admission, compare-and-swap. */
  private async updateFrom(r: ResourceInfo, kv: KeyValue, input: KObject, ctx: RequestContext, subresource?: string, managedAlready = false): Promise<KObject> {
    const old = decodeKV(kv);
    const name = old.metadata.name!;
    const def = r.def;
    const rv = input.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== String(kv.modRevision)) throw conflict(r.group, r.resource, name, OBJECT_MODIFIED);
    if (input.metadata.uid && input.metadata.uid !== old.metadata.uid) {
      throw conflict(r.group, r.resource, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    let obj = input;
    const sctx = this.strategyCtx(ctx);
    const special = subresource && subresource !== 'status' ? def.subresourceUpdates?.[subresource] : undefined;
    if (special) {
      keepUpdateMeta(obj, old);
      obj = special.prepare(obj, old);
    } else if (subresource === 'status') {
      if (def.prepareForStatusUpdate) {
        keepUpdateMeta(obj, old);
        def.prepareForStatusUpdate(obj, old, sctx);
      } else {
        // Upstream status strategies: everything but status (and labels/annotations) comes from the old object.
        const next = deepCopy(old);
        next.status = obj.status;
        if (obj.metadata.labels !== undefined) next.metadata.labels = obj.metadata.labels;
        if (obj.metadata.annotations !== undefined) next.metadata.annotations = obj.metadata.annotations;
        if (obj.metadata.managedFields !== undefined) next.metadata.managedFields = obj.metadata.managedFields;
        obj = next;
      }
    } else {
      def.defaults?.(obj);
      keepUpdateMeta(obj, old);
      if (def.hasStatus && !subresource) {
        if (old.status === undefined) delete obj.status; else obj.status = deepCopy(old.status);
      }
      if (def.prepareForUpdate) def.prepareForUpdate(obj, old, sctx);
      else if (def.hasStatus && !jsonEqual(obj.spec, old.spec)) {
        obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    obj.metadata.resourceVersion = String(kv.modRevision);
    await this.admit('admit', { operation: 'UPDATE', resource: r, subresource, namespace: old.metadata.namespace, name, obj, old, ctx });
    const errs: FieldError[] = [];
    // Upstream ValidateObjectMetaUpdate: finalizers may only be removed once deletion started.
    if (old.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) errs.push(fieldForbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
    const v = special ? special.validate : subresource === 'status' ? def.validateStatusUpdate : def.validateUpdate;
    errs.push(...(v?.call(def, obj, old, sctx) ?? []));
    this.fail(r, name, errs);
    if (!subresource) ctx.warnings.push(...(def.warnings?.(obj) ?? []));
    await this.admit('validate', { operation: 'UPDATE', resource: r, subresource, namespace: old.metadata.namespace, name, obj, old, ctx });
    if (!managedAlready) this.codec.recordUpdate({ old, updated: obj, manager: ctx.fieldManager, gvk: r.gvk, now: ctx.now, subresource });
    tidyMeta(obj);
    const value = encodeObject(obj);
    const hooks = this.hooks.get(r);
    // Upstream shouldDeleteDuringUpdate: the last finalizer of an object being deleted with no grace left.
    const finished = !!obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) &&
      old.metadata.deletionGracePeriodSeconds === 0 && (hooks?.deleteAfterUpdate?.(obj) ?? true);
    if (value === kv.value && !finished) return old; // no-op: no write, no event, same resourceVersion
    if (ctx.dryRun) return obj;
    try {
      if (finished) {
        const res = await this.ds.delete(kv.key, kv.modRevision);
        obj.metadata.resourceVersion = String(res.revision);
        return obj;
      }
      const rev = await this.ds.update(kv.key, value, kv.modRevision);
      obj.metadata.resourceVersion = String(rev);
      return obj;
    } catch (e) {
      if (e instanceof RevisionMismatchError) throw conflict(r.group, r.resource, name, OBJECT_MODIFIED);
      if (e instanceof KeyNotFoundError) throw notFound(r.group, r.resource, name);
      throw e;
    }
  }

  /**
   * Reads, changes and writes back an object, retrying on conflicts (upstream GuaranteedUpdate).
   * `fn` gets a private copy of the current object and returns the desired one.
   */
  async guaranteedUpdate(r: ResourceInfo, ns: string | undefined, name: string, ctx: RequestContext, fn: (cur: KObject) => KObject | Promise<KObject>, subresource?: string): Promise<KObject> {
    for (let attempt = 0; ; attempt++) {
      const kv = await this.ds.get(objectKey(r, ns, name));
      if (!kv) throw notFound(r.group, r.resource, name);
      const next = await fn(decodeKV(kv));
      next.metadata.resourceVersion = String(kv.modRevision);
      try { return await this.updateFrom(r, kv, next, ctx, subresource); }
      catch (e) { if (!(e instanceof StatusError && e.reason === 'Conflict' && e.message.endsWith(OBJECT_MODIFIED)) || attempt >= MAX_RETRIES) throw e; }
    }
  }

  /**
   * A system write that bypasses strategy and admission (upstream special REST storage such as
   * pods/binding and namespaces/finalize): read, change, compare-and-swap, retrying on conflicts.
   * The object is removed instead when it is being deleted and nothing holds it any more.
   */
  async systemUpdate(r: ResourceInfo, ns: string | undefined, name: string, fn: (cur: KObject) => KObject, dryRun = false): Promise<KObject> {
    const key = objectKey(r, ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.ds.get(key);
      if (!kv) throw notFound(r.group, r.resource, name);
      const next = fn(decodeKV(kv));
      tidyMeta(next);
      const finished = !!next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length) && this.hooks.get(r)?.deleteAfterUpdate?.(next) === true;
      const value = encodeObject(next);
      if (dryRun || (value === kv.value && !finished)) return next;
      try {
        const rev = finished ? (await this.ds.delete(key, kv.modRevision)).revision : await this.ds.update(key, value, kv.modRevision);
        next.metadata.resourceVersion = String(rev);
        return next;
      } catch (e) {
        if (e instanceof RevisionMismatchError && attempt < MAX_RETRIES) continue;
        if (e instanceof RevisionMismatchError) throw conflict(r.group, r.resource, name, OBJECT_MODIFIED);
        if (e instanceof KeyNotFoundError) throw notFound(r.group, r.resource, name);
        throw e;
      }
    }
  }

  /** PATCH: strategic/merge/json patches and server-side apply (create-on-apply → created: true). */
  async patch(r: ResourceInfo, ns: string | undefined, name: string, type: 'strategic' | 'merge' | 'json' | 'apply', body: Buffer, ctx: RequestContext, opts: { subresource?: string; force?: boolean; contentType?: string } = {}): Promise<WriteResult> {
    if (type === 'apply' && !ctx.fieldManager) throw badRequest('PATCH ' + r.resource + ': fieldManager is required for apply requests');
    const key = objectKey(r, ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.ds.get(key);
      let applied: KObject | undefined;
      if (type === 'apply') {
        const dec = this.codec.decodeObject(body, opts.contentType ?? 'application/yaml', r.gvk, ctx.fieldValidation);
        ctx.warnings.push(...dec.warnings);
        applied = dec.obj;
        if (applied.metadata?.name !== undefined && applied.metadata.name !== name) {
          throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
        }
      }
      if (!kv) {
        if (type !== 'apply' || opts.subresource) throw notFound(r.group, r.resource, name);
        const obj = this.codec.serverSideApply({ applied: applied!, manager: ctx.fieldManager, force: !!opts.force, gvk: r.gvk, now: ctx.now });
        obj.metadata ??= {};
        obj.metadata.name = name;
        // The apply already recorded its managedFields entry: the create must not add an Update one.
        return { obj: await this.create(r, ns, obj, { ...ctx, fieldManager: '' , warnings: ctx.warnings }).then((o) => o), created: true };
      }
      const old = decodeKV(kv);
      let next: KObject;
      if (type === 'apply') {
        next = this.codec.serverSideApply({ live: old, applied: applied!, manager: ctx.fieldManager, force: !!opts.force, gvk: r.gvk, now: ctx.now, subresource: opts.subresource });
      } else {
        next = this.codec.applyPatch(type, old, body, r.gvk);
        this.checkPatchedFields(r, next, ctx);
      }
      if (!next || typeof next !== 'object' || !next.metadata || typeof next.metadata !== 'object') {
        throw badRequest('the patch produced an object without metadata');
      }
      const explicitRV = next.metadata.resourceVersion !== undefined && next.metadata.resourceVersion !== String(kv.modRevision);
      if (next.metadata.resourceVersion === undefined) next.metadata.resourceVersion = String(kv.modRevision);
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      }
      next.metadata.name = name;
      if (r.namespaced) {
        if (next.metadata.namespace !== undefined && next.metadata.namespace !== ns) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        next.metadata.namespace = ns;
      }
      try {
        return { obj: await this.updateFrom(r, kv, next, ctx, opts.subresource, type === 'apply'), created: false };
      } catch (e) {
        if (explicitRV || attempt >= MAX_RETRIES || !(e instanceof StatusError && e.reason === 'Conflict' && e.message.endsWith(OBJECT_MODIFIED))) throw e;
      }
    }
  }

  /**
   * fieldValidation for non-apply patches: unknown fields in the patched object are a 400 (Strict) or
   * warnings (Warn). Upstream: endpoints/handlers/patch.go (strict decoding of the patched object).
   */
  private checkPatchedFields(r: ResourceInfo, obj: KObject, ctx: RequestContext): void {
    if (ctx.fieldValidation === 'Ignore') return;
    try {
      const { warnings } = this.codec.decodeObject(Buffer.from(JSON.stringify(obj)), 'application/json', r.gvk, ctx.fieldValidation);
      ctx.warnings.push(...warnings);
    } catch (e) {
      const i = e instanceof StatusError ? e.message.indexOf('strict decoding error:') : -1;
      if (i >= 0) throw badRequest((e as Error).message.slice(i));
      throw e;
    }
  }

  /** DELETE: immediate, graceful (pods), or marking when finalizers must run first. */
  async delete(r: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<KObject | Status> {
    const key = objectKey(r, ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.ds.get(key);
      if (!kv) throw notFound(r.group, r.resource, name);
      const obj = decodeKV(kv);
      const p = opts.preconditions;
      if (p?.uid && p.uid !== obj.metadata.uid) {
        throw conflict(r.group, r.resource, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(r.group, r.resource, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
      }
      await this.admit('validate', { operation: 'DELETE', resource: r, namespace: ns, name, old: obj, ctx });
      const hooks = this.hooks.get(r);
      try {
        if (hooks?.beforeDelete) {
          const res = await hooks.beforeDelete(obj, opts, ctx, this);
          if (res) return res;
        }
        return await this.deleteFrom(r, kv, obj, opts, ctx, hooks);
      } catch (e) {
        if (attempt < MAX_RETRIES && e instanceof RevisionMismatchError) continue;
        if (e instanceof RevisionMismatchError) throw conflict(r.group, r.resource, name, OBJECT_MODIFIED);
        throw e;
      }
    }
  }

  private async deleteFrom(r: ResourceInfo, kv: KeyValue, obj: KObject, opts: DeleteOptions, ctx: RequestContext, hooks?: StorageHooks): Promise<KObject | Status> {
    const m = obj.metadata;
    const grace = hooks?.gracePeriod ? hooks.gracePeriod(obj, opts) : 0;
    // Upstream deletionFinalizersForGarbageCollection: the propagation policy may add a GC finalizer.
    const finalizers = [...(m.finalizers ?? [])];
    const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const curGrace = m.deletionGracePeriodSeconds ?? 0;
    let mark: KObject | undefined;
    if (!m.deletionTimestamp) {
      if (finalizers.length > 0 || grace > 0) {
        mark = deepCopy(obj);
        mark.metadata.deletionTimestamp = timestamp(new Date(ctx.now.getTime() + grace * 1000));
        mark.metadata.deletionGracePeriodSeconds = grace;
      }
    } else if (grace < curGrace && (grace > 0 || finalizers.length > 0)) {
      // Upstream BeforeDelete: a second delete may only shorten the grace period.
      mark = deepCopy(obj);
      mark.metadata.deletionTimestamp = timestamp(new Date(ctx.now.getTime() + grace * 1000));
      mark.metadata.deletionGracePeriodSeconds = grace;
    } else if (finalizers.length > 0 || grace > 0) {
      mark = deepCopy(obj); // already being deleted; only new GC finalizers may change
    }
    if (mark) {
      if (finalizers.length) mark.metadata.finalizers = finalizers;
      const value = encodeObject(mark);
      if (value === kv.value) { markedForDeletion.add(obj); return obj; }
      if (ctx.dryRun) { markedForDeletion.add(mark); return mark; }
      const rev = await this.ds.update(kv.key, value, kv.modRevision);
      mark.metadata.resourceVersion = String(rev);
      markedForDeletion.add(mark);
      return mark;
    }
    if (ctx.dryRun) return hooks?.returnDeletedObject ? obj : this.success(r, obj);
    const res = await this.ds.delete(kv.key, kv.modRevision);
    obj.metadata.resourceVersion = String(res.revision);
    return hooks?.returnDeletedObject ? obj : this.success(r, obj);
  }

  private success(r: ResourceInfo, obj: KObject): Status {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200,
      details: { name: obj.metadata.name, ...(r.group ? { group: r.group } : {}), kind: r.resource, uid: obj.metadata.uid },
    } as Status;
  }

  /** DELETE on a collection: deletes every matching object, returns the list of what was deleted. */
  async deleteCollection(r: ResourceInfo, ns: string | undefined, lo: ListOptions, opts: DeleteOptions, ctx: RequestContext): Promise<KList> {
    const list = await this.list(r, ns, { labelSelector: lo.labelSelector, fieldSelector: lo.fieldSelector });
    const items: KObject[] = [];
    for (const o of list.items) {
      try {
        const res = await this.delete(r, o.metadata.namespace, o.metadata.name!, opts, ctx);
        items.push((res as Status).kind === 'Status' ? o : (res as KObject));
      } catch (e) { if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e; }
    }
    return { ...list, items };
  }
}
