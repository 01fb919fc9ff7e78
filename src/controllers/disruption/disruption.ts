// Disruption controller: PodDisruptionBudget status — the pods the budget covers, how many are healthy,
// how many must stay healthy, and how many voluntary disruptions (evictions) are allowed now.
// Upstream: pkg/controller/disruption/disruption.go (getExpectedPodCount, countHealthyPods, updatePdbStatus)
import { R } from '../../api/gvr.js';
import { isNotFound, isConflict } from '../../api/errors.js';
import { objectKey, splitKey, type KObject } from '../../api/object.js';
import { selectorMatches, type LabelSelector } from '../../util/labels.js';
import { isPodReady, rfc3339, type Condition, type Pod } from '../../util/types.js';
import { scaledValue, type IntOrString } from '../deployment/rolling.js';
import { byNamespace, controllerRef, QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

export interface PodDisruptionBudget extends KObject {
  spec: { selector?: LabelSelector; minAvailable?: IntOrString; maxUnavailable?: IntOrString };
  status?: { observedGeneration?: number; currentHealthy?: number; desiredHealthy?: number; disruptionsAllowed?: number; expectedPods?: number; disruptedPods?: Record<string, string>; conditions?: Condition[] };
}
type Scaled = KObject & { spec?: { replicas?: number } };

/** Healthy/desired/allowed from the pods and the expected count. Upstream: disruption.go getExpectedPodCount + trySync */
export function budget(pdb: PodDisruptionBudget, pods: Pod[], controllerScale: number | undefined): { expectedPods: number; currentHealthy: number; desiredHealthy: number; disruptionsAllowed: number } {
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
  let expectedPods: number, desiredHealthy: number;
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (minAvailable !== undefined && (typeof minAvailable === 'number' || /^\d+$/.test(minAvailable))) {
    expectedPods = pods.length;
    desiredHealthy = Number(minAvailable);
  } else {
    // Percentages and maxUnavailable are taken against the controllers' scale.
    expectedPods = controllerScale ?? pods.length;
    if (maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - scaledValue(maxUnavailable, expectedPods, true));
    else desiredHealthy = scaledValue(minAvailable ?? 0, expectedPods, true);
  }
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

export function newDisruptionController(o: ControllerOptions): Controller {
  const { client, log, now } = o;
  const pdbInf = o.informers.for<PodDisruptionBudget>(R.poddisruptionbudgets);
  const podInf = o.informers.for<Pod>(R.pods);
  const rsInf = o.informers.for<Scaled>(R.replicasets);
  const stsInf = o.informers.for<Scaled>(R.statefulsets);
  const depInf = o.informers.for<Scaled>(R.deployments);
  const podsIn = byNamespace(podInf);
  const runner = new QueueRunner('disruption', sync, log, 2);
  pdbInf.addEventHandler({ onAdd: (p) => runner.add(objectKey(p)), onUpdate: (_a, p) => runner.add(objectKey(p)) });
  const forPod = (p: Pod) => { for (const b of pdbInf.list()) if (b.metadata.namespace === p.metadata.namespace && selectorMatches(b.spec.selector, p.metadata.labels)) runner.add(objectKey(b)); };
  podInf.addEventHandler({ onAdd: forPod, onUpdate: (_a, p) => forPod(p), onDelete: forPod });

  /** Sum of the scale of the pods' controllers (a Deployment through its ReplicaSet). Upstream: disruption.go finders */
  function controllerScale(pods: Pod[]): number | undefined {
    const seen = new Map<string, number>();
    for (const p of pods) {
      const ref = controllerRef(p);
      if (!ref) return undefined;
      if (seen.has(ref.uid)) continue;
      let scale: number | undefined;
      if (ref.kind === 'ReplicaSet') {
        const rs = rsInf.getByName(p.metadata.namespace, ref.name);
        const dref = rs && controllerRef(rs);
        const dep = dref?.kind === 'Deployment' ? depInf.getByName(p.metadata.namespace, dref.name) : undefined;
        scale = dep ? dep.spec?.replicas ?? 1 : rs?.spec?.replicas;
        if (dep) { if ([...seen.keys()].includes(dep.metadata.uid!)) continue; seen.set(dep.metadata.uid!, scale ?? 0); continue; }
      } else if (ref.kind === 'StatefulSet') scale = stsInf.getByName(p.metadata.namespace, ref.name)?.spec?.replicas;
      if (scale === undefined) return undefined;
      seen.set(ref.uid, scale);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  async function sync(key: string): Promise<void> {
    const pdb = pdbInf.get(key);
    if (!pdb) return;
    const pods = podsIn(splitKey(key).namespace!).filter((p) => selectorMatches(pdb.spec.selector, p.metadata.labels));
    const b = budget(pdb, pods, controllerScale(pods));
    const allowed = b.disruptionsAllowed > 0;
    const old = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const cond: Condition = { type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '', lastTransitionTime: old && old.status === (allowed ? 'True' : 'False') ? old.lastTransitionTime : rfc3339(now()) };
    (cond as Condition & { observedGeneration?: number }).observedGeneration = pdb.metadata.generation;
    const status: NonNullable<PodDisruptionBudget['status']> = {
      observedGeneration: pdb.metadata.generation, disruptedPods: pdb.status?.disruptedPods ?? {}, ...b, conditions: [cond],
    };
    if (JSON.stringify(status) === JSON.stringify(pdb.status ?? {})) return;
    try { await client.update(R.poddisruptionbudgets, pdb.metadata.namespace, { ...pdb, status }, { subresource: 'status' }); }
    catch (e) { if (isConflict(e)) { runner.add(key); return; } if (!isNotFound(e)) throw e; }
  }
  return { start: () => runner.start(), stop: () => runner.stop() };
}
