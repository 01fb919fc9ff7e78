// Node lifecycle controller: Ready while the node's Lease in kube-node-lease is renewed; after the grace
// period the conditions go Unknown ("Kubelet stopped posting node status."), pods there are marked not
// ready, and taints follow the conditions and spec.unschedulable. A NoExecute taint manager evicts pods
// that do not tolerate a node's NoExecute taints (after their tolerationSeconds).
// Upstream: pkg/controller/nodelifecycle/node_lifecycle_controller.go, pkg/controller/tainteviction/taint_eviction.go
import { R } from '../../api/gvr.js';
import { isNotFound, isConflict } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { podKey, rfc3339, type Node, type Pod } from '../../util/types.js';
import { indexLookup, QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';
import { desiredTaints, evictionDelayMs, unknownConditions } from './taints.js';

interface Lease extends KObject { spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } }
export const LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions extends ControllerOptions { nodeMonitorGracePeriodMs?: number; monitorPeriodMs?: number }

export function newNodeLifecycleController(o: NodeLifecycleOptions): Controller {
  const { client, now, log } = o;
  const grace = o.nodeMonitorGracePeriodMs ?? 40_000;
  const period = o.monitorPeriodMs ?? Math.min(5000, Math.max(50, grace / 4));
  const nodeInf = o.informers.for<Node>(R.nodes);
  const leaseInf = o.informers.for<Lease>(R.leases, { namespace: LEASE_NAMESPACE });
  const podInf = o.informers.for<Pod>(R.pods);
  const podsOn = indexLookup(podInf, 'nodeName', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
  const recorder = new EventRecorder(client, { component: 'node-controller' }, now);
  // Upstream 1.29+: evictions are reported by the separate taint-eviction-controller.
  const evictionRecorder = new EventRecorder(client, { component: 'taint-eviction-controller' }, now);
  const nodes = new QueueRunner('nodelifecycle', syncNode, log, 2);
  const evictions = new QueueRunner('taint-eviction', syncPod, log, 4);
  const scheduled = new Map<string, NodeJS.Timeout>();
  let timer: NodeJS.Timeout | undefined;

  nodeInf.addEventHandler({
    onAdd: (n) => nodes.add(n.metadata.name!),
    onUpdate: (old, n) => {
      nodes.add(n.metadata.name!);
      if (JSON.stringify(old.spec?.taints) !== JSON.stringify(n.spec?.taints) || JSON.stringify(old.status?.conditions) !== JSON.stringify(n.status?.conditions)) for (const p of podsOn(n.metadata.name!)) evictions.add(podKey(p));
    },
  });
  leaseInf.addEventHandler({ onAdd: (l) => nodes.add(l.metadata.name!), onUpdate: (_a, l) => nodes.add(l.metadata.name!) });
  podInf.addEventHandler({
    onAdd: (p) => { if (p.spec.nodeName) evictions.add(podKey(p)); },
    onUpdate: (old, p) => { if (p.spec.nodeName && (old.spec.nodeName !== p.spec.nodeName || JSON.stringify(old.spec.tolerations) !== JSON.stringify(p.spec.tolerations) || JSON.stringify(old.status?.conditions) !== JSON.stringify(p.status?.conditions))) evictions.add(podKey(p)); },
    onDelete: (p) => { const t = scheduled.get(podKey(p)); if (t) { clearTimeout(t); scheduled.delete(podKey(p)); } },
  });

  /** The last time the kubelet proved alive: lease renewal, else the Ready heartbeat, else creation. */
  function lastHeartbeat(node: Node): number {
    const lease = leaseInf.getByName(LEASE_NAMESPACE, node.metadata.name!);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const times = [lease?.spec?.renewTime, ready?.lastHeartbeatTime, node.metadata.creationTimestamp].map((t) => (t ? Date.parse(t) : 0));
    return Math.max(...times);
  }

  async function syncNode(name: string): Promise<void> {
    let node = nodeInf.getByName(undefined, name);
    if (!node) return;
    const nowDate = now();
    const ts = rfc3339(nowDate);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (nowDate.getTime() - lastHeartbeat(node) > grace && ready?.status !== 'Unknown') {
      try {
        node = await client.update<Node>(R.nodes, undefined, { ...node, status: { ...node.status, conditions: unknownConditions(node.status?.conditions, ts) } }, { subresource: 'status' });
      } catch (e) { if (isNotFound(e)) return; if (isConflict(e)) { nodes.add(name); return; } throw e; }
      void recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, 'Node');
      await markPodsNotReady(name);
    }
    const taints = desiredTaints(node, ts);
    const strip = (t: unknown) => JSON.stringify(t ?? [], (k, v) => (k === 'timeAdded' ? undefined : v));
    if (strip(taints) !== strip(node.spec?.taints)) {
      try { await client.update(R.nodes, undefined, { ...node, spec: { ...node.spec, taints: taints.length ? taints : undefined } }); }
      catch (e) { if (isConflict(e)) { nodes.add(name); return; } if (!isNotFound(e)) throw e; }
    }
  }

  /** Upstream: pkg/controller/util/node/controller_utils.go MarkPodsNotReady */
  async function markPodsNotReady(nodeName: string, only?: Pod[]): Promise<void> {
    for (const p of only ?? podsOn(nodeName)) {
      const conds = p.status?.conditions ?? [];
      if (!conds.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const ts = rfc3339(now());
      const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: ts } : c));
      try { await client.update(R.pods, p.metadata.namespace, { ...p, status: { ...p.status, conditions: next } }, { subresource: 'status' }); }
      catch (e) { if (!isNotFound(e) && !isConflict(e)) throw e; }
    }
  }

  async function syncPod(key: string): Promise<void> {
    const pod = podInf.get(key);
    const cancel = () => { const t = scheduled.get(key); if (t) { clearTimeout(t); scheduled.delete(key); return true; } return false; };
    if (!pod?.spec.nodeName || pod.metadata.deletionTimestamp) { cancel(); return; }
    const node = nodeInf.getByName(undefined, pod.spec.nodeName);
    // A pod arriving on (or changing on) a node that is not Ready is not ready either. Upstream: node_lifecycle_controller.go processPod
    if (node && node.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') await markPodsNotReady(node.metadata.name!, [pod]);
    const delay = node ? evictionDelayMs(node.spec?.taints ?? [], pod.spec.tolerations, now().getTime()) : undefined;
    if (delay === undefined) {
      if (cancel()) void evictionRecorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`, 'Pod');
      return;
    }
    if (delay > 0) {
      cancel();
      const t = setTimeout(() => { scheduled.delete(key); evictions.add(key); }, delay);
      t.unref?.();
      scheduled.set(key, t);
      return;
    }
    cancel();
    void evictionRecorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`, 'Pod');
    try { await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } }); }
    catch (e) { if (!isNotFound(e) && !isConflict(e)) throw e; }
  }

  return {
    start: () => {
      nodes.start(); evictions.start();
      timer = setInterval(() => { for (const n of nodeInf.keys()) nodes.add(n); }, period);
      timer.unref?.();
    },
    stop: () => { if (timer) clearInterval(timer); for (const t of scheduled.values()) clearTimeout(t); scheduled.clear(); nodes.stop(); evictions.stop(); },
  };
}
