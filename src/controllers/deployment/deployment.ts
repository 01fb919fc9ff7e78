// Deployment controller: one ReplicaSet per pod template (named <deployment>-<pod-template-hash>), rolled
// with RollingUpdate (maxSurge/maxUnavailable) or Recreate, revisions in deployment.kubernetes.io/revision
// (so `kubectl rollout undo`, which patches the template back, revives the old set), history cleanup and
// the status/conditions `kubectl rollout status` reads.
// Upstream: pkg/controller/deployment/{deployment_controller,sync,rolling,recreate,progress}.go, util/deployment_util.go
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { objectKey, splitKey, type KObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { selectorMatches, type LabelSelector } from '../../util/labels.js';
import { getCondition, rfc3339, type Condition, type Pod } from '../../util/types.js';
import { byNamespace, canonicalJSON, computeHash, controllerRef, newControllerRef, QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';
import type { ReplicaSet } from '../replicaset/replicaset.js';
import { newRSNewReplicas, oldRSTargets, resolveFenceposts, sumSpec, type IntOrString } from './rolling.js';

export interface Deployment extends KObject {
  spec: {
    replicas?: number; selector: LabelSelector; minReadySeconds?: number; revisionHistoryLimit?: number; paused?: boolean;
    progressDeadlineSeconds?: number;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
    template: { metadata?: KObject['metadata']; spec?: Pod['spec'] };
  };
  status?: {
    observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number;
    unavailableReplicas?: number; conditions?: Condition[]; collisionCount?: number;
  };
}

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';

/** The template without the hash label, for comparing a ReplicaSet with the Deployment. Upstream: EqualIgnoreHash */
function templateKey(t: Deployment['spec']['template']): string {
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[HASH_LABEL];
  return canonicalJSON({ ...t, metadata: { ...(t.metadata ?? {}), labels } });
}
export const revisionOf = (o: KObject) => Number.parseInt(o.metadata.annotations?.[REVISION] ?? '0', 10) || 0;

/** Upstream: deployment_util.go SetDeploymentCondition (lastTransitionTime kept when status is unchanged) */
function setCondition(conds: Condition[], c: Condition): Condition[] {
  const old = conds.find((x) => x.type === c.type);
  if (old && old.status === c.status && old.reason === c.reason) return conds.map((x) => (x.type === c.type ? { ...c, lastTransitionTime: old.lastTransitionTime, lastUpdateTime: old.message === c.message ? old.lastUpdateTime : c.lastUpdateTime } : x));
  if (old && old.status === c.status) c = { ...c, lastTransitionTime: old.lastTransitionTime };
  return [...conds.filter((x) => x.type !== c.type), c];
}

export function newDeploymentController(o: ControllerOptions): Controller {
  const { client, now, log } = o;
  const dInf = o.informers.for<Deployment>(R.deployments);
  const rsInf = o.informers.for<ReplicaSet>(R.replicasets);
  const rsIn = byNamespace(rsInf);
  const recorder = new EventRecorder(client, { component: 'deployment-controller' }, now);
  const runner = new QueueRunner('deployment', sync, log, 2);

  const enqueueOwner = (rs: ReplicaSet) => {
    const ref = controllerRef(rs);
    if (ref?.kind === 'Deployment') runner.add(`${rs.metadata.namespace}/${ref.name}`);
  };
  dInf.addEventHandler({ onAdd: (d) => runner.add(objectKey(d)), onUpdate: (_a, d) => runner.add(objectKey(d)) });
  rsInf.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_a, r) => enqueueOwner(r), onDelete: enqueueOwner });

  async function scaleRS(d: Deployment, rs: ReplicaSet, to: number): Promise<ReplicaSet> {
    const from = rs.spec.replicas ?? 0;
    const { surge } = resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, d.spec.replicas ?? 1);
    const ann = { ...rs.metadata.annotations, [DESIRED_REPLICAS]: String(d.spec.replicas ?? 1), [MAX_REPLICAS]: String((d.spec.replicas ?? 1) + (d.spec.strategy?.type === 'Recreate' ? 0 : surge)) };
    if (from === to && ann[DESIRED_REPLICAS] === rs.metadata.annotations?.[DESIRED_REPLICAS] && ann[MAX_REPLICAS] === rs.metadata.annotations?.[MAX_REPLICAS]) return rs;
    const updated = await client.update<ReplicaSet>(R.replicasets, rs.metadata.namespace, { ...rs, metadata: { ...rs.metadata, annotations: ann }, spec: { ...rs.spec, replicas: to } });
    if (from !== to) void recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, 'Deployment');
    return updated;
  }

  /** Finds or creates the ReplicaSet for the current template, carrying the next revision. Upstream: sync.go getNewReplicaSet */
  async function newReplicaSet(d: Deployment, all: ReplicaSet[], old: ReplicaSet[], existing: ReplicaSet | undefined, replicas: number): Promise<{ rs: ReplicaSet; created: boolean }> {
    const maxOld = Math.max(0, ...old.map(revisionOf));
    const next = String(maxOld + 1);
    if (existing) {
      if (revisionOf(existing) > maxOld) return { rs: existing, created: false };
      const rs = await client.update<ReplicaSet>(R.replicasets, existing.metadata.namespace, { ...existing, metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, [REVISION]: next } } });
      return { rs, created: false };
    }
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
    const { surge } = resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, d.spec.replicas ?? 1);
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels,
        annotations: { [DESIRED_REPLICAS]: String(d.spec.replicas ?? 1), [MAX_REPLICAS]: String((d.spec.replicas ?? 1) + surge), [REVISION]: next },
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: {
        replicas, minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [HASH_LABEL]: hash } },
        template: { ...d.spec.template, metadata: { ...(d.spec.template.metadata ?? {}), labels } },
      },
    };
    try {
      const created = await client.create<ReplicaSet>(R.replicasets, d.metadata.namespace, rs);
      if (replicas > 0) void recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`, 'Deployment');
      return { rs: created, created: true };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      // A set of that name with another template: bump collisionCount and try again next sync. Upstream: sync.go hash collision
      const other = await client.get<ReplicaSet>(R.replicasets, d.metadata.namespace, rs.metadata.name!);
      if (controllerRef(other)?.uid === d.metadata.uid && templateKey(other.spec.template) === templateKey(d.spec.template)) return { rs: other, created: false };
      await client.update(R.deployments, d.metadata.namespace, { ...d, status: { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 } }, { subresource: 'status' });
      throw new Error(`hash collision for ReplicaSet ${rs.metadata.name}`);
    }
  }

  async function sync(key: string): Promise<void> {
    const d = dInf.get(key);
    if (!d || d.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const owned = rsIn(namespace!).filter((r) => controllerRef(r)?.uid === d.metadata.uid);
    // Adopt orphan ReplicaSets the selector matches. Upstream: deployment_controller.go getReplicaSetsForDeployment
    for (const r of rsIn(namespace!)) if (!controllerRef(r) && !r.metadata.deletionTimestamp && selectorMatches(d.spec.selector, r.metadata.labels)) {
      try { owned.push(await client.patch<ReplicaSet>(R.replicasets, namespace, r.metadata.name!, 'merge', { metadata: { ownerReferences: [...(r.metadata.ownerReferences ?? []), newControllerRef(d, 'apps/v1', 'Deployment')] } })); }
      catch (e) { if (!isNotFound(e)) throw e; }
    }
    const want = templateKey(d.spec.template);
    const existingNew = owned.filter((r) => templateKey(r.spec.template) === want).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))[0];
    let old = owned.filter((r) => r !== existingNew);
    const replicas = d.spec.replicas ?? 1;
    const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
    const { surge, unavailable } = resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas);
    let newRS = existingNew;
    let createdNew = false;

    if (d.spec.paused) {
      // Paused: only scale; no new ReplicaSet. Upstream: sync.go sync (proportional scaling simplified to the newest set).
      const target = existingNew ?? old.sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (target && sumSpec(owned) !== replicas) await scaleRS(d, target, Math.max(0, replicas - sumSpec(owned.filter((r) => r !== target))));
    } else if (strategy === 'Recreate') {
      // Upstream: recreate.go rolloutRecreate — old sets to 0, wait for their pods to go, then the new set.
      for (const r of old) if ((r.spec.replicas ?? 0) !== 0) await scaleRS(d, r, 0);
      const oldRunning = old.some((r) => (r.status?.replicas ?? 0) > 0);
      if (!oldRunning) {
        const res = await newReplicaSet(d, owned, old, existingNew, replicas);
        newRS = res.rs; createdNew = res.created;
        if (!res.created) newRS = await scaleRS(d, newRS, replicas);
      } else if (existingNew && revisionOf(existingNew) <= Math.max(0, ...old.map(revisionOf))) {
        newRS = (await newReplicaSet(d, owned, old, existingNew, 0)).rs;
      }
    } else {
      // Upstream: rolling.go rolloutRolling
      const firstTarget = existingNew ? existingNew.spec.replicas ?? 0 : newRSNewReplicas(replicas, surge, owned, { metadata: {}, spec: { replicas: 0 } } as ReplicaSet);
      const res = await newReplicaSet(d, owned, old, existingNew, firstTarget);
      newRS = res.rs; createdNew = res.created;
      if (!res.created) {
        const all = [...old, newRS];
        const t = (newRS.spec.replicas ?? 0) > replicas ? replicas : newRSNewReplicas(replicas, surge, all, newRS);
        newRS = await scaleRS(d, newRS, t);
      }
      const targets = oldRSTargets(replicas, unavailable, old, newRS);
      old = await Promise.all(old.map((r) => (targets.has(r) ? scaleRS(d, r, targets.get(r)!) : r)));
    }

    // History cleanup once old sets are empty. Upstream: sync.go cleanupDeployment
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const empty = old.filter((r) => (r.spec.replicas ?? 0) === 0 && (r.status?.replicas ?? 0) === 0 && !r.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const r of empty.slice(0, Math.max(0, empty.length - limit))) {
      try { await client.delete(R.replicasets, r.metadata.namespace, r.metadata.name!, { preconditions: { uid: r.metadata.uid } }); } catch (e) { if (!isNotFound(e)) throw e; }
    }

    await syncStatus(d, newRS, old, createdNew, unavailable);
  }

  // Upstream: sync.go calculateStatus, progress.go syncRolloutStatus
  async function syncStatus(d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[], createdNew: boolean, unavailable: number): Promise<void> {
    const all = newRS ? [newRS, ...old] : old;
    const sum = (f: (r: ReplicaSet) => number | undefined) => all.reduce((s, r) => s + (f(r) ?? 0), 0);
    const replicas = d.spec.replicas ?? 1;
    const available = sum((r) => r.status?.availableReplicas);
    const ready = sum((r) => r.status?.readyReplicas);
    const total = sum((r) => r.status?.replicas);
    const ts = rfc3339(now());
    let conds = [...(d.status?.conditions ?? [])];
    conds = setCondition(conds, available >= replicas - unavailable
      ? { type: 'Available', status: 'True', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    if (newRS && !d.spec.paused) {
      const name = newRS.metadata.name;
      const updated = newRS.status?.replicas ?? 0;
      const complete = updated === replicas && (newRS.status?.availableReplicas ?? 0) === replicas && total === replicas;
      const cur = getCondition(conds, 'Progressing');
      // Upstream: progress.go syncRolloutStatus — any of these growing (or old pods going) is progress.
      const prev = d.status ?? {};
      const oldReplicas = total - updated, prevOld = (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
      const progressed = !prev.conditions || updated > (prev.updatedReplicas ?? 0) || ready > (prev.readyReplicas ?? 0)
        || available > (prev.availableReplicas ?? 0) || oldReplicas < prevOld;
      const deadline = d.spec.progressDeadlineSeconds;
      const progressing = `ReplicaSet "${name}" is progressing.`;
      if (complete) conds = setCondition(conds, { type: 'Progressing', status: 'True', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}" has successfully progressed.` });
      else if (createdNew) conds = setCondition(conds, { type: 'Progressing', status: 'True', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'NewReplicaSetCreated', message: `Created new replica set "${name}"` });
      else if (!cur || progressed || cur.status === 'True' && cur.message !== progressing && cur.reason !== 'NewReplicaSetCreated') {
        // Progress (or a True condition left from before this rollout) sets ReplicaSetUpdated and refreshes
        // lastUpdateTime, which the deadline counts from; lastTransitionTime stays while True.
        conds = [...conds.filter((x) => x.type !== 'Progressing'), { type: 'Progressing', status: 'True', lastUpdateTime: ts, lastTransitionTime: cur?.status === 'True' ? cur.lastTransitionTime : ts, reason: 'ReplicaSetUpdated', message: progressing }];
      } else if (deadline !== undefined && cur && cur.reason !== 'ProgressDeadlineExceeded') {
        // No progress: past progressDeadlineSeconds since the last progress, the rollout has timed out
        // (`kubectl rollout status` then fails with "exceeded its progress deadline"); before, look again then.
        const since = now().getTime() - Date.parse(cur.lastUpdateTime ?? cur.lastTransitionTime ?? ts);
        if (since >= deadline * 1000) conds = setCondition(conds, { type: 'Progressing', status: 'False', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}" has timed out progressing.` });
        else runner.addAfter(objectKey(d), deadline * 1000 - since + 1000);
      }
    }
    const status: NonNullable<Deployment['status']> = {
      observedGeneration: d.metadata.generation, replicas: total, updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: ready, availableReplicas: available,
      ...(Math.max(0, replicas - available) ? { unavailableReplicas: Math.max(0, replicas - available) } : {}),
      conditions: conds, ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
    };
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastUpdateTime' ? undefined : v));
    const revision = newRS ? newRS.metadata.annotations?.[REVISION] : undefined;
    if (revision && d.metadata.annotations?.[REVISION] !== revision) {
      try { await client.patch(R.deployments, d.metadata.namespace, d.metadata.name!, 'merge', { metadata: { annotations: { [REVISION]: revision } } }); } catch (e) { if (!isNotFound(e)) throw e; }
    }
    if (strip(status) === strip(d.status ?? {})) return;
    try {
      const cur = await client.get<Deployment>(R.deployments, d.metadata.namespace, d.metadata.name!);
      if (cur.metadata.generation !== d.metadata.generation) { runner.add(objectKey(d)); return; }
      await client.update(R.deployments, d.metadata.namespace, { ...cur, status }, { subresource: 'status' });
    } catch (e) { if (!isNotFound(e)) throw e; }
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
