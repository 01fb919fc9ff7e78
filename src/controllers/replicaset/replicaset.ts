// ReplicaSet controller: keeps spec.replicas active pods carrying the set's controller reference, creating
// in slow-start batches and deleting the least useful pods first, and reports status.
// Upstream: pkg/controller/replicaset/replica_set.go, replica_set_utils.go, pkg/controller/controller_utils.go
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { objectKey, splitKey, type KObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { selectorMatches, type LabelSelector } from '../../util/labels.js';
import { getCondition, isPodReady, rfc3339, type Condition, type Pod } from '../../util/types.js';
import {
  controllerRef, Expectations, isPodActive, isPodAvailable, newControllerRef, podFromTemplate, QueueRunner,
  randomSuffix, slowStartBatch, byNamespace, type Controller, type ControllerOptions,
} from './controller-utils.js';

export interface ReplicaSet extends KObject {
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: { metadata?: KObject['metadata']; spec?: Pod['spec'] } };
  status?: { replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number; conditions?: Condition[] };
}

const BURST = 500; // Upstream: replica_set.go BurstReplicas

/**
 * Which pods to delete first: unscheduled, then pending, then not ready, then ready for the shortest time,
 * more restarts, newer. Upstream: controller_utils.go ActivePods.Less
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const sched = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (sched(a) !== sched(b)) return sched(a) - sched(b);
  const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
  const pa = phaseRank[a.status?.phase ?? 'Pending'] ?? 0, pb = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a) ? 1 : 0, rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const readyAt = (p: Pod) => Date.parse(getCondition(p.status?.conditions, 'Ready')?.lastTransitionTime ?? '') || 0;
  if (ra && readyAt(a) !== readyAt(b)) return readyAt(b) - readyAt(a);
  const restarts = (p: Pod) => ((p.status?.containerStatuses as Array<{ restartCount?: number }> | undefined) ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0);
}

/** The status a set's pods give it. Upstream: replica_set_utils.go calculateStatus */
export function calculateStatus(rs: ReplicaSet, active: Pod[], now: Date, manageError?: string): NonNullable<ReplicaSet['status']> {
  const tmplLabels = rs.spec.template.metadata?.labels ?? {};
  let fully = 0, ready = 0, available = 0;
  for (const p of active) {
    if (Object.entries(tmplLabels).every(([k, v]) => p.metadata.labels?.[k] === v)) fully++;
    if (isPodReady(p)) { ready++; if (isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)) available++; }
  }
  const conds = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  if (manageError) {
    const old = getCondition(rs.status?.conditions, 'ReplicaFailure');
    conds.push({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: manageError, lastTransitionTime: old?.lastTransitionTime ?? rfc3339(now) });
  }
  return {
    replicas: active.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available,
    observedGeneration: rs.metadata.generation, ...(conds.length ? { conditions: conds } : {}),
  };
}

export function newReplicaSetController(o: ControllerOptions): Controller {
  const { client, now, log } = o;
  const rsInf = o.informers.for<ReplicaSet>(R.replicasets);
  const podInf: Informer<Pod> = o.informers.for<Pod>(R.pods);
  const recorder = new EventRecorder(client, { component: 'replicaset-controller' }, now);
  const exp = new Expectations();
  const runner = new QueueRunner('replicaset', sync, log, 4);
  const podsIn = byNamespace(podInf);

  const enqueueOwner = (p: Pod) => {
    const ref = controllerRef(p);
    if (ref?.kind === 'ReplicaSet') runner.add(`${p.metadata.namespace}/${ref.name}`);
    else if (!ref) for (const rs of rsInf.list()) if (rs.metadata.namespace === p.metadata.namespace && selectorMatches(rs.spec.selector, p.metadata.labels)) runner.add(objectKey(rs));
  };
  rsInf.addEventHandler({ onAdd: (r) => runner.add(objectKey(r)), onUpdate: (_a, r) => runner.add(objectKey(r)), onDelete: (r) => { exp.delete(objectKey(r)); } });
  podInf.addEventHandler({
    onAdd: (p) => { const ref = controllerRef(p); if (ref?.kind === 'ReplicaSet') exp.observedAdd(`${p.metadata.namespace}/${ref.name}`); enqueueOwner(p); },
    onUpdate: (old, p) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'ReplicaSet' && p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) exp.observedDel(`${p.metadata.namespace}/${ref.name}`);
      enqueueOwner(p);
      // A pod that becomes ready counts as available only after minReadySeconds.
      const rs = ref?.kind === 'ReplicaSet' ? rsInf.getByName(p.metadata.namespace, ref.name) : undefined;
      if (rs?.spec.minReadySeconds && isPodReady(p) && !isPodReady(old)) runner.addAfter(objectKey(rs), rs.spec.minReadySeconds * 1000 + 10);
    },
    onDelete: (p) => { const ref = controllerRef(p); if (ref?.kind === 'ReplicaSet' && !p.metadata.deletionTimestamp) exp.observedDel(`${p.metadata.namespace}/${ref.name}`); enqueueOwner(p); },
  });

  async function adopt(rs: ReplicaSet, orphans: Pod[]): Promise<Pod[]> {
    const out: Pod[] = [];
    for (const p of orphans) {
      try {
        out.push(await client.patch<Pod>(R.pods, p.metadata.namespace, p.metadata.name!, 'merge', {
          metadata: { ownerReferences: [...(p.metadata.ownerReferences ?? []), newControllerRef(rs, 'apps/v1', 'ReplicaSet')], uid: p.metadata.uid },
        }));
      } catch (e) { if (!isNotFound(e)) throw e; }
    }
    return out;
  }

  async function sync(key: string): Promise<void> {
    const rs = rsInf.get(key);
    if (!rs) { exp.delete(key); return; }
    const { namespace } = splitKey(key);
    const nsPods = podsIn(namespace!);
    const owned = nsPods.filter((p) => controllerRef(p)?.uid === rs.metadata.uid);
    if (!rs.metadata.deletionTimestamp) {
      const orphans = nsPods.filter((p) => !controllerRef(p) && !p.metadata.deletionTimestamp && isPodActive(p) && selectorMatches(rs.spec.selector, p.metadata.labels));
      if (orphans.length) owned.push(...await adopt(rs, orphans));
    }
    const active = owned.filter(isPodActive);
    let manageError: string | undefined;
    if (exp.satisfied(key) && !rs.metadata.deletionTimestamp) manageError = await manageReplicas(rs, active, key);
    const status = calculateStatus(rs, active, now(), manageError);
    if (JSON.stringify(status) !== JSON.stringify(rs.status ?? {})) {
      try { await client.update(R.replicasets, rs.metadata.namespace, { ...rs, status }, { subresource: 'status' }); }
      catch (e) { if (!isNotFound(e)) throw e; }
    }
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) runner.addAfter(key, minReady * 1000);
  }

  async function manageReplicas(rs: ReplicaSet, active: Pod[], key: string): Promise<string | undefined> {
    const want = rs.spec.replicas ?? 1;
    const diff = active.length - want;
    if (diff < 0) {
      const n = Math.min(-diff, BURST);
      exp.expect(key, n, 0);
      const res = await slowStartBatch(n, async () => {
        const pod = podFromTemplate(rs.spec.template, rs.metadata.namespace!, newControllerRef(rs, 'apps/v1', 'ReplicaSet'));
        pod.metadata.generateName = `${rs.metadata.name}-`;
        for (let attempt = 0; ; attempt++) {
          pod.metadata.name = `${rs.metadata.name}-${randomSuffix()}`;
          try { await client.create(R.pods, rs.metadata.namespace, pod); break; }
          catch (e) { if (!isAlreadyExists(e) || attempt > 3) throw e; }
        }
        void recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'ReplicaSet');
      });
      if (res.error) {
        exp.lowerAdd(key, n - res.successes);
        const msg = res.error instanceof Error ? res.error.message : String(res.error);
        void recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`, 'ReplicaSet');
        return msg;
      }
    } else if (diff > 0) {
      const victims = [...active].sort(deletionOrder).slice(0, Math.min(diff, BURST));
      exp.expect(key, 0, victims.length);
      await Promise.all(victims.map(async (p) => {
        try {
          await client.delete(R.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          void recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'ReplicaSet');
        } catch (e) {
          exp.lowerDel(key, 1);
          if (!isNotFound(e)) void recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`, 'ReplicaSet');
        }
      }));
    }
    return undefined;
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
