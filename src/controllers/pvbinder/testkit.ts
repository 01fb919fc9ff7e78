// Unit-test kit for the PV controller: a small in-memory API (optimistic concurrency, status subresource,
// failure injection to simulate a crash after N writes) and a driver that runs syncs until nothing changes.
// Only for unit tests; the integration tests run the controllers against the real API server.
import { randomUUID } from 'node:crypto';
import { conflict, notFound, StatusError } from '../../api/errors.js';
import type { GVR } from '../../api/gvr.js';
import type { KList, KObject } from '../../api/object.js';
import type { Client, WatchHandle } from '../../client/types.js';
import { PVController, type EventSink, type EventType } from './controller.js';
import { noPlugins, type VolumePlugins } from './plugins.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from './types.js';

export interface RecordedEvent { kind: string; name: string; type: EventType; reason: string; message: string }

export class MemoryApi implements Client {
  readonly objects = new Map<string, KObject>();
  private rv = 100;
  writes = 0;
  /** Throw on the write with this 1-based number (simulates a crash between two writes). */
  failAtWrite = 0;

  private key(gvr: GVR, ns: string | undefined, name: string) { return `${gvr.resource}/${ns ?? ''}/${name}`; }
  private bump(o: KObject): KObject { o.metadata.resourceVersion = String(++this.rv); return structuredClone(o); }
  private countWrite(): void {
    this.writes++;
    if (this.failAtWrite && this.writes === this.failAtWrite) throw new StatusError(500, 'InternalError', 'injected crash');
  }

  seed(gvr: GVR, obj: KObject): KObject {
    const o = structuredClone(obj);
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= '2024-01-01T00:00:00Z';
    const stored = this.bump(o);
    this.objects.set(this.key(gvr, o.metadata.namespace, o.metadata.name!), o);
    return stored;
  }
  async get<T extends KObject>(gvr: GVR, ns: string | undefined, name: string): Promise<T> {
    const o = this.objects.get(this.key(gvr, ns, name));
    if (!o) throw notFound(gvr.group, gvr.resource, name);
    return structuredClone(o) as T;
  }
  async list<T extends KObject>(gvr: GVR): Promise<KList<T>> {
    const items = [...this.objects.entries()].filter(([k]) => k.startsWith(`${gvr.resource}/`)).map(([, o]) => structuredClone(o) as T);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items };
  }
  watch(): WatchHandle { return { stop() {}, done: Promise.resolve() }; }
  async create<T extends KObject>(gvr: GVR, ns: string | undefined, obj: KObject): Promise<T> {
    this.countWrite();
    const k = this.key(gvr, ns, obj.metadata.name!);
    if (this.objects.has(k)) throw new StatusError(409, 'AlreadyExists', `${gvr.resource} "${obj.metadata.name}" already exists`);
    const o = structuredClone(obj);
    o.metadata.uid = randomUUID();
    o.metadata.namespace = ns;
    if (gvr.resource === 'persistentvolumes' || gvr.resource === 'persistentvolumeclaims') o.status = { phase: 'Pending' };
    this.objects.set(k, o);
    return this.bump(o) as T;
  }
  async update<T extends KObject>(gvr: GVR, ns: string | undefined, obj: KObject, opts?: { subresource?: string }): Promise<T> {
    this.countWrite();
    const k = this.key(gvr, ns, obj.metadata.name!);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(gvr.group, gvr.resource, obj.metadata.name!);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(gvr.group, gvr.resource, obj.metadata.name!, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next: KObject = structuredClone(opts?.subresource === 'status' ? { ...cur, status: obj.status } : { ...obj, status: cur.status });
    next.metadata = opts?.subresource === 'status' ? { ...cur.metadata } : { ...obj.metadata, uid: cur.metadata.uid };
    this.objects.set(k, next);
    return this.bump(next) as T;
  }
  async patch<T extends KObject>(): Promise<T> { throw new Error('patch not supported by MemoryApi'); }
  async delete(gvr: GVR, ns: string | undefined, name: string): Promise<KObject> {
    this.countWrite();
    const k = this.key(gvr, ns, name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(gvr.group, gvr.resource, name);
    this.objects.delete(k);
    return cur;
  }
  async createSubresource(): Promise<KObject> { throw new Error('not supported'); }
}

export class Harness {
  readonly api = new MemoryApi();
  readonly events: RecordedEvent[] = [];
  ctrl!: PVController;
  pods: Pod[] = [];
  constructor(private readonly plugins: VolumePlugins = noPlugins) { this.restart(); }

  /** A fresh controller over the same API: what a process restart after a crash sees. */
  restart(): void {
    const sink: EventSink = { event: (o, type, reason, message) => { this.events.push({ kind: String(o.kind ?? ''), name: o.metadata.name!, type, reason, message }); } };
    this.ctrl = new PVController({
      client: this.api, events: sink, plugins: this.plugins, retryMs: 1,
      podsForClaim: (ns, name) => this.pods.filter((p) => p.metadata.namespace === ns && p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name)),
    });
    for (const [k, o] of this.api.objects) if (k.startsWith('storageclasses/')) this.ctrl.classObserved(structuredClone(o) as StorageClass);
  }
  pv(o: PersistentVolume): this { this.ctrl.volumeObserved(this.api.seed(R_PV, { apiVersion: 'v1', kind: 'PersistentVolume', ...o }) as PersistentVolume); return this; }
  pvc(o: PersistentVolumeClaim): this { this.ctrl.claimObserved(this.api.seed(R_PVC, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...o }) as PersistentVolumeClaim); return this; }
  sc(o: StorageClass): this { this.ctrl.classObserved(this.api.seed(R_SC, o) as StorageClass); return this; }

  /** Reloads the controller's caches from the API (what informers deliver) and drains both queues. */
  async run(maxRounds = 20): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      this.refreshCaches();
      let did = false;
      for (const q of [this.ctrl.claimQueue, this.ctrl.volumeQueue]) {
        while (q.length) {
          const key = (await q.get())!;
          did = true;
          try {
            if (q === this.ctrl.claimQueue) await this.ctrl.syncClaimKey(key); else await this.ctrl.syncVolumeKey(key);
          } catch { /* retried next round, as the work queue's back-off would */ if (this.api.failAtWrite === 0) q.add(key); }
          finally { q.done(key); }
        }
      }
      await this.ctrl.idle();
      if (!did && this.ctrl.claimQueue.length === 0 && this.ctrl.volumeQueue.length === 0) return;
    }
  }

  refreshCaches(): void {
    const seen = new Set<string>();
    for (const [k, o] of this.api.objects) {
      seen.add(k);
      if (k.startsWith('persistentvolumes/')) this.ctrl.volumeObserved(structuredClone(o) as PersistentVolume);
      else if (k.startsWith('persistentvolumeclaims/')) this.ctrl.claimObserved(structuredClone(o) as PersistentVolumeClaim);
    }
    for (const pv of this.ctrl.volumes.list()) if (!seen.has(`persistentvolumes//${pv.metadata.name}`)) this.ctrl.volumeDeleted(pv);
    for (const c of [...this.ctrl.claims.values()]) if (!seen.has(`persistentvolumeclaims/${c.metadata.namespace}/${c.metadata.name}`)) this.ctrl.claimDeleted(c);
  }

  getPV(name: string): PersistentVolume | undefined { return this.api.objects.get(`persistentvolumes//${name}`) as PersistentVolume | undefined; }
  getPVC(name: string, ns = 'default'): PersistentVolumeClaim | undefined { return this.api.objects.get(`persistentvolumeclaims/${ns}/${name}`) as PersistentVolumeClaim | undefined; }
}

const R_PV: GVR = { group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false };
const R_PVC: GVR = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true };
const R_SC: GVR = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', namespaced: false };

/** Fixtures as upstream's binder_test.go newVolume / newClaim. */
export function newVolume(name: string, capacity: string, o: {
  phase?: string; claim?: { name: string; uid?: string }; boundByController?: boolean; class?: string;
  modes?: string[]; mode?: string; labels?: Record<string, string>; policy?: string; annotations?: Record<string, string>;
  hostPath?: string;
} = {}): PersistentVolume {
  const ann: Record<string, string> = { ...o.annotations };
  if (o.boundByController) ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
  return {
    metadata: { name, labels: o.labels, annotations: Object.keys(ann).length ? ann : undefined },
    spec: {
      capacity: { storage: capacity }, accessModes: o.modes ?? ['ReadWriteOnce', 'ReadOnlyMany'],
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain', storageClassName: o.class ?? '',
      ...(o.mode ? { volumeMode: o.mode } : { volumeMode: 'Filesystem' }),
      ...(o.claim ? { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: o.claim.name, uid: o.claim.uid ?? '' } } : {}),
      hostPath: { path: o.hostPath ?? `/tmp/${name}` },
    },
    status: { phase: o.phase ?? 'Available' },
  };
}

export function newClaim(name: string, request: string, o: {
  uid?: string; volumeName?: string; phase?: string; class?: string | null; modes?: string[]; mode?: string;
  annotations?: Record<string, string>; selector?: PersistentVolumeClaim['spec']['selector'];
} = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default', uid: o.uid, annotations: o.annotations },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: request } },
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.class === null ? {} : { storageClassName: o.class ?? '' }),
      volumeMode: o.mode ?? 'Filesystem',
      ...(o.selector ? { selector: o.selector } : {}),
    },
    status: { phase: o.phase ?? 'Pending' },
  };
}
