// StatefulSet controller: ordinal pods <set>-<n> with stable hostname/subdomain, one claim per template per
// pod (<template>-<set>-<n>) created before the pod, OrderedReady or Parallel management, scale-down from
// the highest ordinal, revisions as ControllerRevisions (controller-revision-hash), RollingUpdate with
// partition or OnDelete, PVC retention policy via ownerReferences, and status.
// Upstream: pkg/controller/statefulset/{stateful_set.go,stateful_set_control.go,stateful_pod_control.go,stateful_set_utils.go}
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { objectKey, splitKey, type KObject, type OwnerReference } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { selectorMatches, type LabelSelector } from '../../util/labels.js';
import { isPodReady, type PersistentVolumeClaim, type Pod } from '../../util/types.js';
import { byNamespace, computeHash, controllerRef, isPodAvailable, newControllerRef, podFromTemplate, QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

export interface StatefulSet extends KObject {
  spec: {
    replicas?: number; selector: LabelSelector; serviceName?: string; minReadySeconds?: number; revisionHistoryLimit?: number;
    podManagementPolicy?: 'OrderedReady' | 'Parallel'; ordinals?: { start?: number };
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    template: { metadata?: KObject['metadata']; spec?: Pod['spec'] };
    volumeClaimTemplates?: PersistentVolumeClaim[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
  };
  status?: {
    observedGeneration?: number; replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number;
    availableReplicas?: number; currentRevision?: string; updateRevision?: string; collisionCount?: number;
  };
}
interface ControllerRevision extends KObject { data?: unknown; revision: number }

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

/** parent and ordinal from "<parent>-<ordinal>". Upstream: stateful_set_utils.go getParentNameAndOrdinal */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-([0-9]+)$/.exec(name);
  return m ? { parent: m[1]!, ordinal: Number.parseInt(m[2]!, 10) } : undefined;
}
export const claimName = (template: string, set: string, ordinal: number) => `${template}-${set}-${ordinal}`;

/** The claims a pod of the set owns, named and labelled as upstream. Upstream: stateful_set_utils.go getPersistentVolumeClaims */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t.metadata.name!, set.metadata.name!, ordinal), namespace: set.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec),
  }));
}

/** A new pod for an ordinal at a revision. Upstream: stateful_set_utils.go newVersionedStatefulSetPod */
export function newPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const name = `${set.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(set.spec.template, set.metadata.namespace!, newControllerRef(set, 'apps/v1', 'StatefulSet'));
  pod.metadata.name = name;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision };
  pod.spec.hostname = name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  const claimVols = (set.spec.volumeClaimTemplates ?? []).map((t) => ({ name: t.metadata.name!, persistentVolumeClaim: { claimName: claimName(t.metadata.name!, set.metadata.name!, ordinal) } }));
  if (claimVols.length) {
    const names = new Set(claimVols.map((v) => v.name));
    pod.spec.volumes = [...(pod.spec.volumes ?? []).filter((v) => !names.has(v.name)), ...claimVols];
  }
  return pod;
}

const isRunningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const isTerminal = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

export function newStatefulSetController(o: ControllerOptions): Controller {
  const { client, now, log } = o;
  const setInf = o.informers.for<StatefulSet>(R.statefulsets);
  const podInf = o.informers.for<Pod>(R.pods);
  const pvcInf = o.informers.for<PersistentVolumeClaim>(R.persistentvolumeclaims);
  const revInf = o.informers.for<ControllerRevision>(R.controllerrevisions);
  const podsIn = byNamespace(podInf);
  const revsIn = byNamespace(revInf);
  const recorder = new EventRecorder(client, { component: 'statefulset-controller' }, now);
  const runner = new QueueRunner('statefulset', sync, log, 2);

  const enqueuePod = (p: Pod) => {
    const ref = controllerRef(p);
    if (ref?.kind === 'StatefulSet') runner.add(`${p.metadata.namespace}/${ref.name}`);
  };
  setInf.addEventHandler({ onAdd: (s) => runner.add(objectKey(s)), onUpdate: (_a, s) => runner.add(objectKey(s)) });
  podInf.addEventHandler({ onAdd: enqueuePod, onUpdate: (_a, p) => enqueuePod(p), onDelete: enqueuePod });
  pvcInf.addEventHandler({ onDelete: (c) => { for (const r of c.metadata.ownerReferences ?? []) if (r.kind === 'StatefulSet') runner.add(`${c.metadata.namespace}/${r.name}`); } });

  /** The revision for the current template, created when missing. Upstream: stateful_set_control.go getStatefulSetRevisions */
  async function updateRevision(set: StatefulSet): Promise<string> {
    const hash = computeHash(set.spec.template, set.status?.collisionCount);
    const name = `${set.metadata.name}-${hash}`;
    const owned = revsIn(set.metadata.namespace!).filter((r) => controllerRef(r)?.uid === set.metadata.uid);
    if (owned.some((r) => r.metadata.name === name)) return name;
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: { name, namespace: set.metadata.namespace, labels: { ...(set.spec.selector.matchLabels ?? {}), [REVISION_LABEL]: hash }, ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')] },
      data: { spec: { template: { ...set.spec.template, $patch: 'replace' } } },
      revision: Math.max(0, ...owned.map((r) => r.revision)) + 1,
    };
    try { await client.create(R.controllerrevisions, set.metadata.namespace, rev); } catch (e) { if (!isAlreadyExists(e)) throw e; }
    return name;
  }

  async function createClaims(set: StatefulSet, pod: Pod, ordinal: number, inRange: boolean): Promise<void> {
    for (const claim of claimsFor(set, ordinal)) {
      const existing = pvcInf.getByName(claim.metadata.namespace, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) throw new Error(`pvc ${claim.metadata.name} is being deleted`);
        await applyRetention(set, existing, pod, inRange);
        continue;
      }
      const refs = retentionRefs(set, pod, inRange);
      if (refs.length) claim.metadata.ownerReferences = refs;
      try {
        await client.create(R.persistentvolumeclaims, set.metadata.namespace, claim);
        void recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`, 'StatefulSet');
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        void recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`, 'StatefulSet');
        throw e;
      }
    }
  }

  /** ownerReferences a claim gets from persistentVolumeClaimRetentionPolicy. Upstream: stateful_set_utils.go updateClaimOwnerRefForSetAndPod */
  function retentionRefs(set: StatefulSet, pod: Pod | undefined, inRange: boolean): OwnerReference[] {
    const p = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
    if (p.whenScaled === 'Delete' && !inRange && pod?.metadata.uid) return [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid, controller: true, blockOwnerDeletion: true }];
    if (p.whenDeleted === 'Delete') return [newControllerRef(set, 'apps/v1', 'StatefulSet')];
    return [];
  }
  async function applyRetention(set: StatefulSet, claim: PersistentVolumeClaim, pod: Pod | undefined, inRange: boolean): Promise<void> {
    const ctrl = controllerRef(claim);
    // Claims controlled by something else (or a stale owner) are left alone.
    if (ctrl && ctrl.uid !== set.metadata.uid && !(ctrl.kind === 'Pod' && ctrl.name === pod?.metadata.name)) return;
    const want = retentionRefs(set, pod, inRange);
    const others = (claim.metadata.ownerReferences ?? []).filter((r) => !r.controller);
    const next = [...others, ...want];
    if (JSON.stringify(next) === JSON.stringify(claim.metadata.ownerReferences ?? [])) return;
    try { await client.patch(R.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name!, 'merge', { metadata: { ownerReferences: next.length ? next : null } }); }
    catch (e) { if (!isNotFound(e)) throw e; }
  }

  async function createPod(set: StatefulSet, ordinal: number, revision: string): Promise<void> {
    const pod = newPod(set, ordinal, revision);
    try {
      // Upstream: stateful_pod_control.go CreateStatefulPod — a claim problem fails the pod creation.
      await createClaims(set, pod, ordinal, true);
      await client.create(R.pods, set.metadata.namespace, pod);
      void recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, 'StatefulSet');
    } catch (e) {
      if (isAlreadyExists(e)) return;
      void recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`, 'StatefulSet');
      throw e;
    }
  }
  async function deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      void recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, 'StatefulSet');
    } catch (e) {
      if (isNotFound(e)) return;
      void recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`, 'StatefulSet');
      throw e;
    }
  }

  // Upstream: stateful_set_control.go updateStatefulSet (slow-start for Parallel simplified to issue all at once)
  async function sync(key: string): Promise<void> {
    const set = setInf.get(key);
    if (!set || set.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const start = set.spec.ordinals?.start ?? 0;
    const replicas = set.spec.replicas ?? 1;
    const end = start + replicas;
    const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = set.spec.minReadySeconds ?? 0;
    const updateRev = await updateRevision(set);
    const currentRev = set.status?.currentRevision || updateRev;

    const pods = podsIn(namespace!).filter((p) => controllerRef(p)?.uid === set.metadata.uid || (!controllerRef(p) && selectorMatches(set.spec.selector, p.metadata.labels) && parentAndOrdinal(p.metadata.name!)?.parent === set.metadata.name));
    const byOrdinal = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const p of pods) {
      const po = parentAndOrdinal(p.metadata.name!);
      if (!po || po.parent !== set.metadata.name) continue;
      if (po.ordinal >= start && po.ordinal < end) byOrdinal.set(po.ordinal, p); else condemned.push(p);
    }
    condemned.sort((a, b) => parentAndOrdinal(b.metadata.name!)!.ordinal - parentAndOrdinal(a.metadata.name!)!.ordinal);
    const healthy = (p: Pod) => isRunningAndReady(p) && !p.metadata.deletionTimestamp && isPodAvailable(p, minReady, now());

    let stop = false;
    // Replace terminal pods; create missing ones (claims first); in OrderedReady, stop at the first pod that is not healthy.
    for (let ord = start; ord < end && !stop; ord++) {
      const p = byOrdinal.get(ord);
      if (p && isTerminal(p) && !p.metadata.deletionTimestamp) { await deletePod(set, p); byOrdinal.delete(ord); if (monotonic) stop = true; continue; }
      if (!p) {
        // A claim still owned by a deleted pod of this ordinal (whenScaled=Delete) blocks recreation until GC removes it.
        const blocked = claimsFor(set, ord).some((c) => { const cur = pvcInf.getByName(c.metadata.namespace, c.metadata.name!); const r = cur && controllerRef(cur); return r?.kind === 'Pod'; });
        if (blocked) { stop = monotonic; continue; }
        await createPod(set, ord, updateRev);
        if (monotonic) stop = true;
        continue;
      }
      if (p.metadata.deletionTimestamp) { if (monotonic) stop = true; continue; }
      if (p.status?.phase === 'Pending' && !p.spec.nodeName) await createClaims(set, p, ord, true);
      else await createClaims(set, p, ord, true).catch(() => {});
      if (monotonic && !healthy(p)) stop = true;
    }

    // Scale down from the highest ordinal: one at a time and only while the rest is healthy (OrderedReady).
    if (!stop) {
      const unhealthyOthers = [...byOrdinal.values()].some((p) => !healthy(p));
      for (const p of condemned) {
        if ((set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') === 'Delete')
          for (const c of claimsFor(set, parentAndOrdinal(p.metadata.name!)!.ordinal)) { const cur = pvcInf.getByName(c.metadata.namespace, c.metadata.name!); if (cur) await applyRetention(set, cur, p, false); }
        if (p.metadata.deletionTimestamp) { if (monotonic) { stop = true; break; } continue; }
        if (monotonic && unhealthyOthers && healthy(p)) { stop = true; break; }
        await deletePod(set, p);
        if (monotonic) { stop = true; break; }
      }
    }

    // RollingUpdate: replace the highest ordinal >= partition whose revision is stale, one at a time.
    // Upstream: stateful_set_control.go updateStatefulSet (rolling update section)
    const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
    if (!stop && strategy === 'RollingUpdate') {
      const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      const ordered = [...byOrdinal.entries()].sort((a, b) => b[0] - a[0]);
      const allHealthy = ordered.every(([, p]) => healthy(p)) && byOrdinal.size === replicas;
      for (const [ord, p] of ordered) {
        if (ord < partition + start) break;
        if (p.metadata.labels?.[REVISION_LABEL] === updateRev) continue;
        if (!p.metadata.deletionTimestamp && allHealthy) await deletePod(set, p);
        break;
      }
    }

    await syncStatus(set, updateRev, currentRev, [...byOrdinal.values(), ...condemned], minReady);
    await cleanupRevisions(set, updateRev, currentRev, pods);
    if (minReady > 0) runner.addAfter(key, minReady * 1000 + 50);
  }

  async function syncStatus(set: StatefulSet, updateRev: string, currentRev: string, pods: Pod[], minReady: number): Promise<void> {
    const live = pods.filter((p) => !isTerminal(p));
    const ready = live.filter((p) => isRunningAndReady(p)).length;
    const available = live.filter((p) => isRunningAndReady(p) && isPodAvailable(p, minReady, now())).length;
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRev).length;
    let current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRev).length;
    const replicas = set.spec.replicas ?? 1;
    // Once every pod runs the update revision, it becomes the current one. Upstream: stateful_set_control.go completeRollingUpdate
    let cur = currentRev;
    if (updated === replicas && ready === replicas && live.length === replicas) { cur = updateRev; current = updated; }
    const status: NonNullable<StatefulSet['status']> = {
      observedGeneration: set.metadata.generation, replicas: live.length, readyReplicas: ready, currentReplicas: current,
      updatedReplicas: updated, currentRevision: cur, updateRevision: updateRev, collisionCount: set.status?.collisionCount ?? 0,
      availableReplicas: available,
    };
    if (JSON.stringify(status) === JSON.stringify(set.status ?? {})) return;
    try { await client.update(R.statefulsets, set.metadata.namespace, { ...set, status }, { subresource: 'status' }); }
    catch (e) { if (!isNotFound(e)) throw e; }
  }

  /** Keeps revisionHistoryLimit unused revisions. Upstream: stateful_set_control.go truncateHistory */
  async function cleanupRevisions(set: StatefulSet, updateRev: string, currentRev: string, pods: Pod[]): Promise<void> {
    const live = new Set([updateRev, currentRev, ...pods.map((p) => p.metadata.labels?.[REVISION_LABEL])]);
    const unused = revsIn(set.metadata.namespace!).filter((r) => controllerRef(r)?.uid === set.metadata.uid && !live.has(r.metadata.name)).sort((a, b) => a.revision - b.revision);
    const limit = set.spec.revisionHistoryLimit ?? 10;
    for (const r of unused.slice(0, Math.max(0, unused.length - limit))) {
      try { await client.delete(R.controllerrevisions, r.metadata.namespace, r.metadata.name!); } catch (e) { if (!isNotFound(e)) throw e; }
    }
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
