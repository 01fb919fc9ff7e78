// Garbage collector: deletes objects whose owners are all gone (background), deletes the dependents of an
// owner being deleted in the foreground and then drops its foregroundDeletion finalizer, and for orphan
// deletion strips the owner's references from its dependents and then drops the orphan finalizer.
// Upstream: pkg/controller/garbagecollector/{garbagecollector.go,graph_builder.go,operations.go}
import { R, type GVR } from '../../api/gvr.js';
import { isNotFound, isConflict } from '../../api/errors.js';
import type { KObject, OwnerReference } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** The resources the collector watches (owners and dependents), by kind for resolving ownerReferences. */
const MONITORED: Array<[string, GVR]> = [
  ['Pod', R.pods], ['ReplicaSet', R.replicasets], ['Deployment', R.deployments], ['StatefulSet', R.statefulsets],
  ['DaemonSet', R.daemonsets], ['ControllerRevision', R.controllerrevisions], ['PersistentVolumeClaim', R.persistentvolumeclaims],
  ['PersistentVolume', R.persistentvolumes], ['Service', R.services], ['EndpointSlice', R.endpointslices], ['Endpoints', R.endpoints],
  ['ConfigMap', R.configmaps], ['Secret', R.secrets], ['ServiceAccount', R.serviceaccounts], ['PodDisruptionBudget', R.poddisruptionbudgets],
  ['Node', R.nodes], ['Lease', R.leases], ['StorageClass', R.storageclasses], ['VolumeAttachment', R.volumeattachments],
];
const GVR_BY_KIND = new Map(MONITORED.map(([k, g]) => [`${g.group}/${k}`, g]));
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
export const gvrForOwner = (ref: Pick<OwnerReference, 'apiVersion' | 'kind'>) => GVR_BY_KIND.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);

const itemKey = (gvr: GVR, o: KObject) => `${gvr.resource}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

export type OwnerState = 'absent' | 'present' | 'waitingForDependents';
/**
 * What to do with a dependent given the state of each owner. Upstream: garbagecollector.go attemptToDeleteItem
 * (solid owners keep it; dangling references are removed; only owners waiting for dependents → foreground delete).
 */
export function classifyDependent(owners: Array<{ ref: OwnerReference; state: OwnerState }>): { action: 'keep' } | { action: 'delete'; policy: 'Background' | 'Foreground' } | { action: 'removeRefs'; uids: string[] } {
  if (owners.length === 0) return { action: 'keep' };
  const solid = owners.filter((o) => o.state === 'present');
  const dangling = owners.filter((o) => o.state === 'absent');
  const waiting = owners.filter((o) => o.state === 'waitingForDependents');
  if (solid.length) return dangling.length || waiting.length ? { action: 'removeRefs', uids: [...dangling, ...waiting.filter((w) => !w.ref.blockOwnerDeletion)].map((o) => o.ref.uid) } : { action: 'keep' };
  if (waiting.length) return { action: 'delete', policy: 'Foreground' };
  return { action: 'delete', policy: 'Background' };
}

export function newGarbageCollector(o: ControllerOptions): Controller {
  const { client, log } = o;
  const infs = new Map<string, { gvr: GVR; inf: Informer<KObject> }>();
  for (const [, gvr] of MONITORED) infs.set(gvr.resource, { gvr, inf: o.informers.for<KObject>(gvr) });
  const byUID = new Map<string, { gvr: GVR; key: string }>();
  const dependents = new Map<string, Set<string>>(); // owner uid -> item keys
  const runner = new QueueRunner('garbagecollector', process, log, 4);

  const link = (gvr: GVR, obj: KObject, on: boolean) => {
    const k = itemKey(gvr, obj);
    for (const r of obj.metadata.ownerReferences ?? []) {
      let s = dependents.get(r.uid);
      if (on) { if (!s) dependents.set(r.uid, (s = new Set())); s.add(k); }
      else if (s) { s.delete(k); if (!s.size) dependents.delete(r.uid); }
    }
  };
  const enqueueDependents = (uid: string) => { for (const k of dependents.get(uid) ?? []) runner.add(k); };
  for (const { gvr, inf } of infs.values()) {
    inf.addEventHandler({
      onAdd: (obj) => {
        byUID.set(obj.metadata.uid!, { gvr, key: itemKey(gvr, obj) });
        link(gvr, obj, true);
        if (obj.metadata.ownerReferences?.length || obj.metadata.deletionTimestamp) runner.add(itemKey(gvr, obj));
      },
      onUpdate: (old, obj) => {
        link(gvr, old, false); link(gvr, obj, true);
        const refsChanged = JSON.stringify(old.metadata.ownerReferences) !== JSON.stringify(obj.metadata.ownerReferences);
        if (refsChanged || (obj.metadata.deletionTimestamp && JSON.stringify(old.metadata.finalizers) !== JSON.stringify(obj.metadata.finalizers)) || (obj.metadata.deletionTimestamp && !old.metadata.deletionTimestamp)) runner.add(itemKey(gvr, obj));
        // An owner that starts foreground deletion changes what its dependents should do.
        if (obj.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) enqueueDependents(obj.metadata.uid!);
      },
      onDelete: (obj) => {
        byUID.delete(obj.metadata.uid!);
        link(gvr, obj, false);
        enqueueDependents(obj.metadata.uid!);
        // Owners waiting in the foreground re-check their remaining dependents.
        for (const r of obj.metadata.ownerReferences ?? []) { const own = byUID.get(r.uid); if (own) runner.add(own.key); }
      },
    });
  }

  function lookup(key: string): { gvr: GVR; obj?: KObject } {
    const [resource, ns, name] = key.split('|') as [string, string, string];
    const { gvr, inf } = infs.get(resource)!;
    return { gvr, obj: inf.getByName(ns || undefined, name) };
  }

  async function ownerState(dep: KObject, ref: OwnerReference): Promise<OwnerState> {
    const cached = byUID.get(ref.uid);
    let owner: KObject | undefined = cached ? lookup(cached.key).obj : undefined;
    if (owner && owner.metadata.uid !== ref.uid) owner = undefined; // same name, another object
    if (!owner) {
      const gvr = gvrForOwner(ref);
      if (!gvr) return 'present'; // a kind we do not watch: never collect on a guess
      try {
        owner = await client.get(gvr, gvr.namespaced ? dep.metadata.namespace : undefined, ref.name);
        if (owner.metadata.uid !== ref.uid) return 'absent';
      } catch (e) { if (isNotFound(e)) return 'absent'; throw e; }
    }
    if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND)) return 'waitingForDependents';
    return 'present';
  }

  async function removeFinalizer(gvr: GVR, obj: KObject, fin: string): Promise<void> {
    const cur = await client.get(gvr, obj.metadata.namespace, obj.metadata.name!);
    if (!cur.metadata.finalizers?.includes(fin)) return;
    cur.metadata.finalizers = cur.metadata.finalizers.filter((f) => f !== fin);
    await client.update(gvr, cur.metadata.namespace, cur);
  }
  async function removeOwnerRefs(gvr: GVR, obj: KObject, uids: string[]): Promise<void> {
    for (let i = 0; ; i++) {
      const cur = await client.get(gvr, obj.metadata.namespace, obj.metadata.name!);
      const refs = (cur.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid));
      if (refs.length === (cur.metadata.ownerReferences ?? []).length) return;
      cur.metadata.ownerReferences = refs.length ? refs : undefined;
      try { await client.update(gvr, cur.metadata.namespace, cur); return; } catch (e) { if (!isConflict(e) || i > 3) throw e; }
    }
  }

  async function process(key: string): Promise<void> {
    const { gvr, obj } = lookup(key);
    if (!obj) return;
    try {
      const fins = obj.metadata.finalizers ?? [];
      if (obj.metadata.deletionTimestamp && fins.includes(ORPHAN)) {
        // Upstream: garbagecollector.go orphanDependents
        for (const dk of [...(dependents.get(obj.metadata.uid!) ?? [])]) {
          const d = lookup(dk);
          if (d.obj) await removeOwnerRefs(d.gvr, d.obj, [obj.metadata.uid!]).catch((e) => { if (!isNotFound(e)) throw e; });
        }
        await removeFinalizer(gvr, obj, ORPHAN);
        return;
      }
      if (obj.metadata.deletionTimestamp && fins.includes(FOREGROUND)) {
        // Upstream: garbagecollector.go processDeletingDependentsItem
        let blocking = 0;
        for (const dk of [...(dependents.get(obj.metadata.uid!) ?? [])]) {
          const d = lookup(dk);
          if (!d.obj) continue;
          const ref = d.obj.metadata.ownerReferences?.find((r) => r.uid === obj.metadata.uid);
          if (!ref) continue;
          if (ref.blockOwnerDeletion) blocking++;
          if (!d.obj.metadata.deletionTimestamp) runner.add(dk);
        }
        if (blocking === 0) await removeFinalizer(gvr, obj, FOREGROUND);
        if (!obj.metadata.ownerReferences?.length) return;
      }
      if (!obj.metadata.ownerReferences?.length || (obj.metadata.deletionTimestamp && !fins.includes(FOREGROUND))) return;
      const owners = await Promise.all(obj.metadata.ownerReferences.map(async (ref) => ({ ref, state: await ownerState(obj, ref) })));
      const what = classifyDependent(owners);
      if (what.action === 'delete') {
        if (obj.metadata.deletionTimestamp) return;
        await client.delete(gvr, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: what.policy, preconditions: { uid: obj.metadata.uid } });
      } else if (what.action === 'removeRefs' && what.uids.length) {
        await removeOwnerRefs(gvr, obj, what.uids);
      }
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
