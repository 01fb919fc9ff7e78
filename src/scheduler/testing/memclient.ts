// An in-memory Client for fast unit tests of the scheduler and controllers only (never used by a running
// cluster): the API-server behaviour they rely on — uid/resourceVersion/generation, status subresource,
// finalizers and deletionTimestamp, propagation policies, namespace finalize, pods/binding, watch replay.
// Integration tests run the same controllers against the real in-process API server.
import { randomUUID } from 'node:crypto';
import jsonpatch from 'fast-json-patch';
import { R, apiVersionOf, type GVR } from '../../api/gvr.js';
import type { KList, KObject, WatchEvent } from '../../api/object.js';
import { alreadyExists, conflict, notFound, OBJECT_MODIFIED, type Status } from '../../api/errors.js';
import type { Client, DeleteOptions, ListOptions, PatchOptions, PatchType, WatchHandle, WatchOptions, WriteOptions } from '../../client/types.js';

const NO_STATUS = new Set(['events', 'endpoints', 'endpointslices', 'leases', 'controllerrevisions', 'configmaps', 'secrets', 'serviceaccounts', 'storageclasses']);
const KINDS: Record<string, string> = {
  pods: 'Pod', nodes: 'Node', namespaces: 'Namespace', persistentvolumes: 'PersistentVolume', persistentvolumeclaims: 'PersistentVolumeClaim',
  events: 'Event', services: 'Service', endpoints: 'Endpoints', storageclasses: 'StorageClass', deployments: 'Deployment',
  replicasets: 'ReplicaSet', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet', controllerrevisions: 'ControllerRevision',
  poddisruptionbudgets: 'PodDisruptionBudget', leases: 'Lease', endpointslices: 'EndpointSlice', configmaps: 'ConfigMap',
};

interface Logged { rv: number; gvrKey: string; ev: WatchEvent }

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class MemClient implements Client {
  private objects = new Map<string, Map<string, KObject>>();
  private log: Logged[] = [];
  private rv = 1;
  private watchers = new Set<{ gvrKey: string; ns?: string; fn: (e: WatchEvent) => void }>();
  /** Every write, for assertions: "create pods default/web-0". */
  readonly actions: string[] = [];
  constructor(private readonly now: () => Date = () => new Date()) {}

  private store(gvr: GVR): Map<string, KObject> {
    let m = this.objects.get(gvr.resource);
    if (!m) this.objects.set(gvr.resource, (m = new Map()));
    return m;
  }
  private key(gvr: GVR, ns: string | undefined, name: string) { return gvr.namespaced ? `${ns}/${name}` : name; }
  private emit(gvr: GVR, type: WatchEvent['type'], obj: KObject) {
    const ev: WatchEvent = { type, object: structuredClone(obj) };
    this.log.push({ rv: Number(obj.metadata.resourceVersion), gvrKey: gvr.resource, ev });
    for (const w of this.watchers) if (w.gvrKey === gvr.resource && (!w.ns || w.ns === obj.metadata.namespace)) {
      const copy = structuredClone(ev); queueMicrotask(() => w.fn(copy));
    }
  }

  async get<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, name: string): Promise<T> {
    const o = this.store(gvr).get(this.key(gvr, ns, name));
    if (!o) throw notFound(gvr.group, gvr.resource, name);
    return structuredClone(o) as T;
  }
  async list<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, opts: ListOptions = {}): Promise<KList<T>> {
    let items = [...this.store(gvr).values()].filter((o) => !ns || o.metadata.namespace === ns);
    const fs = opts.fieldSelector?.match(/^spec\.nodeName=(.*)$/);
    if (fs) items = items.filter((o) => (o as { spec?: { nodeName?: string } }).spec?.nodeName === fs[1]);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: structuredClone(items) as T[] };
  }
  watch<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const from = Number(opts.resourceVersion || 0);
    const w = { gvrKey: gvr.resource, ns, fn: onEvent as (e: WatchEvent) => void };
    for (const l of this.log) if (l.rv > from && l.gvrKey === gvr.resource && (!ns || l.ev.object.metadata.namespace === ns)) {
      const copy = structuredClone(l.ev); queueMicrotask(() => w.fn(copy));
    }
    this.watchers.add(w);
    let resolve!: () => void;
    const done = new Promise<void>((r) => { resolve = r; });
    return { stop: () => { this.watchers.delete(w); resolve(); }, done: done.then(() => new Promise<void>(() => {})) };
  }
  async create<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, obj: KObject, _opts?: WriteOptions): Promise<T> {
    const o = structuredClone(obj);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + Math.random().toString(36).slice(2, 7);
    if (gvr.namespaced) o.metadata.namespace = ns ?? o.metadata.namespace ?? 'default';
    const k = this.key(gvr, o.metadata.namespace, o.metadata.name!);
    if (this.store(gvr).has(k)) throw alreadyExists(gvr.group, gvr.resource, o.metadata.name!);
    o.apiVersion ??= apiVersionOf(gvr); o.kind ??= KINDS[gvr.resource];
    o.metadata.uid = randomUUID(); o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (!NO_STATUS.has(gvr.resource)) o.metadata.generation = 1;
    if (gvr.resource === 'namespaces') { o.spec = { finalizers: ['kubernetes'] }; o.status = { phase: 'Active' }; }
    this.store(gvr).set(k, o);
    this.actions.push(`create ${gvr.resource} ${k}`);
    this.emit(gvr, 'ADDED', o);
    return structuredClone(o) as T;
  }
  async update<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, obj: KObject, opts: WriteOptions = {}): Promise<T> {
    const k = this.key(gvr, ns, obj.metadata.name!);
    const old = this.store(gvr).get(k);
    if (!old) throw notFound(gvr.group, gvr.resource, obj.metadata.name!);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(gvr.group, gvr.resource, obj.metadata.name!, OBJECT_MODIFIED);
    let o = structuredClone(obj);
    if (opts.subresource === 'status') o = { ...structuredClone(old), status: o.status };
    else if (opts.subresource === 'finalize') o = { ...structuredClone(old), spec: { ...(old.spec as object), finalizers: (o.spec as { finalizers?: string[] })?.finalizers ?? [] } };
    else if (!NO_STATUS.has(gvr.resource)) {
      if (old.status === undefined) delete o.status; else o.status = structuredClone(old.status);
      o.metadata = { ...o.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, deletionTimestamp: old.metadata.deletionTimestamp, generation: old.metadata.generation };
      if (JSON.stringify(o.spec) !== JSON.stringify(old.spec)) o.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    o.metadata.resourceVersion = String(++this.rv);
    this.actions.push(`update${opts.subresource ? '/' + opts.subresource : ''} ${gvr.resource} ${k}`);
    const fins = gvr.resource === 'namespaces' ? [...(o.metadata.finalizers ?? []), ...((o.spec as { finalizers?: string[] })?.finalizers ?? [])] : (o.metadata.finalizers ?? []);
    if (o.metadata.deletionTimestamp && fins.length === 0) {
      this.store(gvr).delete(k); this.emit(gvr, 'DELETED', o); return structuredClone(o) as T;
    }
    this.store(gvr).set(k, o);
    this.emit(gvr, 'MODIFIED', o);
    return structuredClone(o) as T;
  }
  async patch<T extends KObject = KObject>(gvr: GVR, ns: string | undefined, name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const cur = await this.get(gvr, ns, name);
    let next: KObject;
    if (type === 'json') next = jsonpatch.applyPatch(cur, patch as jsonpatch.Operation[], false, false).newDocument;
    else next = mergePatch(cur, patch) as KObject;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    return this.update<T>(gvr, ns, next, opts);
  }
  async delete(gvr: GVR, ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KObject | Status> {
    const k = this.key(gvr, ns, name);
    const old = this.store(gvr).get(k);
    if (!old) throw notFound(gvr.group, gvr.resource, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== old.metadata.uid) throw conflict(gvr.group, gvr.resource, name, 'the UID in the precondition does not match the UID in record');
    this.actions.push(`delete ${gvr.resource} ${k}`);
    const o = structuredClone(old);
    const fins = new Set(o.metadata.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') fins.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') fins.add('orphan');
    const nsFins = gvr.resource === 'namespaces' ? ((o.spec as { finalizers?: string[] })?.finalizers ?? []) : [];
    if (fins.size > 0 || nsFins.length > 0) {
      if (!o.metadata.deletionTimestamp) o.metadata.deletionTimestamp = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
      o.metadata.finalizers = [...fins];
      if (gvr.resource === 'namespaces') o.status = { phase: 'Terminating' };
      o.metadata.resourceVersion = String(++this.rv);
      this.store(gvr).set(k, o); this.emit(gvr, 'MODIFIED', o);
      return structuredClone(o);
    }
    o.metadata.resourceVersion = String(++this.rv);
    this.store(gvr).delete(k); this.emit(gvr, 'DELETED', o);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  }
  async createSubresource(gvr: GVR, ns: string | undefined, name: string, sub: string, body: KObject): Promise<KObject | Status> {
    if (gvr.resource === 'pods' && sub === 'binding') {
      const pod = await this.get(R.pods, ns, name) as KObject & { spec: { nodeName?: string }; status?: { conditions?: unknown[] } };
      if (pod.spec.nodeName) throw conflict('', 'pods', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec.nodeName = (body as { target?: { name?: string } }).target?.name;
      const conds = (pod.status?.conditions ?? []).filter((c) => (c as { type: string }).type !== 'PodScheduled');
      pod.status = { ...pod.status, conditions: [...conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp }] };
      const k = this.key(gvr, ns, name);
      pod.metadata.resourceVersion = String(++this.rv);
      this.actions.push(`create pods/binding ${k}`);
      this.store(gvr).set(k, pod); this.emit(gvr, 'MODIFIED', pod);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    if (gvr.resource === 'pods' && sub === 'eviction') return this.delete(gvr, ns, name);
    throw notFound(gvr.group, `${gvr.resource}/${sub}`, name);
  }
  /** Every object of a resource (test assertions). */
  all<T extends KObject = KObject>(gvr: GVR): T[] { return [...this.store(gvr).values()].map((o) => structuredClone(o) as T); }
}
