// Entry point: wires informers, the cache, the queue and the default plugin set into a running scheduler.
import { R } from '../api/gvr.js';
import type { Client } from '../client/types.js';
import type { InformerFactory } from '../client/informer.js';
import { EventRecorder } from '../client/events.js';
import { SchedulerCache } from './cache.js';
import { SchedulingQueue } from './queue.js';
import { Scheduler, SCHEDULER_NAME } from './scheduler.js';
import type { Plugin } from './framework.js';
import { nodeAffinity, nodeName, nodePorts, nodeResourcesFit, nodeUnschedulable, podCountSpread, taintToleration } from './plugins/node.js';
import { volumeBinding, volumeRestrictions, volumeZone } from './plugins/volumes.js';
import { podKey, type Node, type PersistentVolume, type PersistentVolumeClaim, type Pod, type StorageClass } from '../util/types.js';

export interface SchedulerOptions {
  client: Client; informers: InformerFactory; now?: () => Date; log?: (m: string, x?: object) => void;
  /** PreBind wait for claims to be bound (default 600 s, as upstream bindTimeoutSeconds). */
  bindTimeoutMs?: number;
}

/** The default plugins in upstream's order (apis/config/v1/default_plugins.go); filters stop at the first failure. */
export function defaultPlugins(client: Client, bindTimeoutMs?: number): Plugin[] {
  return [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, volumeRestrictions,
    volumeBinding({ client, bindTimeoutMs }), volumeZone, podCountSpread];
}

const isOurs = (p: Pod) => (p.spec.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME;
/** Pods with scheduling gates wait outside the queue. Upstream: plugins/schedulinggates (PreEnqueue) */
const isGated = (p: Pod) => ((p.spec as { schedulingGates?: unknown[] }).schedulingGates ?? []).length > 0;

export async function startScheduler(o: SchedulerOptions): Promise<{ stop(): void }> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => {});
  const inf = {
    nodes: o.informers.for<Node>(R.nodes), pods: o.informers.for<Pod>(R.pods), pvs: o.informers.for<PersistentVolume>(R.persistentvolumes),
    pvcs: o.informers.for<PersistentVolumeClaim>(R.persistentvolumeclaims), classes: o.informers.for<StorageClass>(R.storageclasses),
  };
  const cache = new SchedulerCache(inf);
  const queue = new SchedulingQueue();
  const recorder = new EventRecorder(o.client, { component: SCHEDULER_NAME }, now, (e) => log('event failed', { err: String(e) }));
  const scheduler = new Scheduler({ client: o.client, cache, queue, plugins: defaultPlugins(o.client, o.bindTimeoutMs), recorder, now, log });
  const move = () => queue.moveAllToActive();

  inf.nodes.addEventHandler({ onAdd: (n) => { cache.setNode(n); move(); }, onUpdate: (_o, n) => { cache.setNode(n); move(); }, onDelete: (n) => cache.removeNode(n.metadata.name!) });
  const onPod = (p: Pod) => {
    if (p.spec.nodeName) { cache.updatePod(p); queue.delete(podKey(p)); return; }
    if (p.metadata.deletionTimestamp || !isOurs(p) || isGated(p)) { queue.delete(podKey(p)); return; }
    if (!cache.isAssumed(p)) queue.add(podKey(p));
  };
  inf.pods.addEventHandler({
    onAdd: onPod,
    onUpdate: (old, p) => {
      // Our own PodScheduled=False status write must not requeue the pod at once.
      if (!p.spec.nodeName && old.metadata.generation === p.metadata.generation && JSON.stringify(old.spec) === JSON.stringify(p.spec) && JSON.stringify(old.metadata.labels) === JSON.stringify(p.metadata.labels)) {
        if (p.metadata.deletionTimestamp) queue.delete(podKey(p));
        return;
      }
      if (old.spec.nodeName && p.status?.phase !== old.status?.phase) move();
      onPod(p);
    },
    onDelete: (p) => { cache.removePod(p); queue.delete(podKey(p)); if (p.spec.nodeName) move(); },
  });
  // Volume changes can make parked pods schedulable (a PV appears, a claim binds, a class is created).
  inf.pvs.addEventHandler({ onAdd: move, onUpdate: move, onDelete: move });
  inf.pvcs.addEventHandler({ onAdd: move, onUpdate: move, onDelete: move });
  inf.classes.addEventHandler({ onAdd: move, onUpdate: move, onDelete: move });

  await o.informers.startAll();
  await Promise.all(Object.values(inf).map((i) => i.waitForSync()));
  const running = scheduler.run();
  return { stop: () => { scheduler.stop(); void running; } };
}
export { schedulePod } from './scheduler.js';
