// DaemonSet controller: one pod per eligible node (selector, affinity, taints tolerated with the tolerations
// upstream adds to daemon pods), pinned by node affinity on metadata.name so the scheduler places it;
// pods on ineligible nodes removed; RollingUpdate replaces outdated pods within maxUnavailable; status.
// Upstream: pkg/controller/daemon/{daemon_controller.go,update.go,util/daemonset_util.go}
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { objectKey, splitKey, type KObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { nodeSelectorMatches, mapSelectorMatches, type LabelSelector, type NodeSelectorTerm } from '../../util/labels.js';
import { tolerationsTolerate } from '../../util/tolerations.js';
import { isPodReady, type Node, type Pod, type Toleration } from '../../util/types.js';
import { scaledValue, type IntOrString } from '../deployment/rolling.js';
import { byNamespace, computeHash, controllerRef, isPodActive, isPodAvailable, newControllerRef, podFromTemplate, QueueRunner, randomSuffix, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

export interface DaemonSet extends KObject {
  spec: {
    selector: LabelSelector; minReadySeconds?: number; template: { metadata?: KObject['metadata']; spec?: Pod['spec'] };
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
  };
  status?: Record<string, unknown>;
}

/** Tolerations every daemon pod gets. Upstream: pkg/controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations */
export function daemonTolerations(spec: Pod['spec']): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec.tolerations ?? [])];
  for (const t of add) if (!out.some((x) => x.key === t.key && x.effect === t.effect)) out.push(t);
  return out;
}

/** Whether a daemon pod belongs on the node. Upstream: daemon_controller.go NodeShouldRunDaemonPod */
export function shouldRun(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec.template.spec ?? { containers: [] };
  if (!mapSelectorMatches(spec.nodeSelector, node.metadata.labels)) return false;
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && !nodeSelectorMatches(req, node)) return false;
  const tols = daemonTolerations(spec);
  return (node.spec?.taints ?? []).every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerationsTolerate(tols, t));
}

/** The pod for a node: template + tolerations + affinity to exactly that node. Upstream: util.ReplaceDaemonSetPodNodeNameNodeAffinity */
export function daemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const pod = podFromTemplate(ds.spec.template, ds.metadata.namespace!, newControllerRef(ds, 'apps/v1', 'DaemonSet'));
  pod.metadata.generateName = `${ds.metadata.name}-`;
  pod.metadata.name = `${ds.metadata.name}-${randomSuffix()}`;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
  pod.spec.tolerations = daemonTolerations(pod.spec);
  const terms: NodeSelectorTerm[] = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [{}];
  const field = { key: 'metadata.name', operator: 'In', values: [nodeName] };
  const pinned = terms.map((t) => ({ ...t, matchFields: [field] }));
  pod.spec.affinity = { ...(pod.spec.affinity ?? {}), nodeAffinity: { ...(pod.spec.affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pinned } } };
  return pod;
}
const podNode = (p: Pod) => p.spec.nodeName || (p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0] ?? '');

export function newDaemonSetController(o: ControllerOptions): Controller {
  const { client, log, now } = o;
  const dsInf = o.informers.for<DaemonSet>(R.daemonsets);
  const podInf = o.informers.for<Pod>(R.pods);
  const nodeInf = o.informers.for<Node>(R.nodes);
  const podsIn = byNamespace(podInf);
  const recorder = new EventRecorder(client, { component: 'daemonset-controller' }, now);
  const runner = new QueueRunner('daemonset', sync, log, 2);
  const all = () => { for (const d of dsInf.list()) runner.add(objectKey(d)); };
  dsInf.addEventHandler({ onAdd: (d) => runner.add(objectKey(d)), onUpdate: (_a, d) => runner.add(objectKey(d)) });
  const forPod = (p: Pod) => { const r = controllerRef(p); if (r?.kind === 'DaemonSet') runner.add(`${p.metadata.namespace}/${r.name}`); };
  podInf.addEventHandler({ onAdd: forPod, onUpdate: (_a, p) => forPod(p), onDelete: forPod });
  nodeInf.addEventHandler({ onAdd: all, onUpdate: (a, n) => { if (JSON.stringify(a.metadata.labels) !== JSON.stringify(n.metadata.labels) || JSON.stringify(a.spec) !== JSON.stringify(n.spec)) all(); }, onDelete: all });

  async function create(ds: DaemonSet, node: string, hash: string): Promise<void> {
    const pod = daemonPod(ds, node, hash);
    try {
      await client.create(R.pods, ds.metadata.namespace, pod);
      void recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'DaemonSet');
    } catch (e) {
      if (isAlreadyExists(e)) return;
      void recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`, 'DaemonSet');
      throw e;
    }
  }
  async function remove(ds: DaemonSet, p: Pod): Promise<void> {
    try {
      await client.delete(R.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
      void recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'DaemonSet');
    } catch (e) { if (!isNotFound(e)) throw e; }
  }

  async function sync(key: string): Promise<void> {
    const ds = dsInf.get(key);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = computeHash(ds.spec.template);
    const owned = podsIn(splitKey(key).namespace!).filter((p) => controllerRef(p)?.uid === ds.metadata.uid);
    const byNode = new Map<string, Pod[]>();
    for (const p of owned) { const n = podNode(p); byNode.set(n, [...(byNode.get(n) ?? []), p]); }
    const nodes = nodeInf.list();
    const eligible = new Set(nodes.filter((n) => shouldRun(ds, n)).map((n) => n.metadata.name!));
    const minReady = ds.spec.minReadySeconds ?? 0;
    // Create where missing, delete failed pods, extras and pods on nodes that should not run one. Upstream: podsShouldBeOnNode
    for (const n of eligible) {
      const ps = (byNode.get(n) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const failed = ps.filter((p) => p.status?.phase === 'Failed');
      for (const p of failed) await remove(ds, p);
      const live = ps.filter(isPodActive);
      if (live.length === 0 && !(byNode.get(n) ?? []).some((p) => p.metadata.deletionTimestamp)) await create(ds, n, hash);
      for (const p of live.slice(1)) await remove(ds, p);
    }
    for (const [n, ps] of byNode) if (!eligible.has(n)) for (const p of ps) if (!p.metadata.deletionTimestamp) await remove(ds, p);
    // RollingUpdate: replace outdated pods while unavailable stays within maxUnavailable. Upstream: update.go rollingUpdate
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, eligible.size, true));
      let unavailable = 0;
      const old: Pod[] = [];
      for (const n of eligible) {
        const p = (byNode.get(n) ?? []).find(isPodActive);
        if (!p || !isPodAvailable(p, minReady, now())) unavailable++;
        if (p && p.metadata.labels?.['controller-revision-hash'] !== hash) old.push(p);
      }
      // Unavailable old pods go first: deleting them costs nothing.
      old.sort((a, b) => Number(isPodAvailable(a, minReady, now())) - Number(isPodAvailable(b, minReady, now())));
      for (const p of old) {
        if (!isPodAvailable(p, minReady, now())) { await remove(ds, p); continue; }
        if (unavailable >= maxUnavailable) break;
        await remove(ds, p); unavailable++;
      }
    }
    // Status. Upstream: daemon_controller.go updateDaemonSetStatus
    let current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
    for (const [n, ps] of byNode) {
      const p = ps.find(isPodActive);
      if (!p) continue;
      if (!eligible.has(n)) { misscheduled++; continue; }
      current++;
      if (isPodReady(p)) { ready++; if (isPodAvailable(p, minReady, now())) available++; }
      if (p.metadata.labels?.['controller-revision-hash'] === hash) updated++;
    }
    const status = {
      currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: eligible.size, numberReady: ready,
      observedGeneration: ds.metadata.generation, updatedNumberScheduled: updated, numberAvailable: available,
      ...(eligible.size - available > 0 ? { numberUnavailable: eligible.size - available } : {}),
    };
    if (JSON.stringify(status) === JSON.stringify(ds.status ?? {})) return;
    try { await client.update(R.daemonsets, ds.metadata.namespace, { ...ds, status }, { subresource: 'status' }); }
    catch (e) { if (!isNotFound(e)) throw e; }
  }
  return { start: () => runner.start(), stop: () => runner.stop() };
}
