// Entry point for the workload controllers of kube-controller-manager that Stowage runs: ReplicaSet,
// Deployment, StatefulSet, DaemonSet, garbage collector, namespace, node lifecycle (with NoExecute taint
// eviction), Endpoints/EndpointSlice and disruption. Every controller registers its informer handlers
// first; the shared informers then start once, and the workers run after they sync.
import type { Client } from '../client/types.js';
import type { InformerFactory } from '../client/informer.js';
import type { Controller, ControllerOptions } from './replicaset/controller-utils.js';
import { newReplicaSetController } from './replicaset/replicaset.js';
import { newDeploymentController } from './deployment/deployment.js';
import { newStatefulSetController } from './statefulset/statefulset.js';
import { newDaemonSetController } from './daemonset/daemonset.js';
import { newGarbageCollector } from './garbagecollector/garbagecollector.js';
import { newNamespaceController } from './namespace/namespace.js';
import { newNodeLifecycleController } from './nodelifecycle/nodelifecycle.js';
import { newEndpointsController } from './endpoints/endpoints.js';
import { newDisruptionController } from './disruption/disruption.js';

export interface WorkloadControllersOptions {
  client: Client; informers: InformerFactory; now?: () => Date; log?: (m: string, x?: object) => void;
  /** How long a node's lease may go unrenewed before it is NotReady/Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
}

export async function startWorkloadControllers(o: WorkloadControllersOptions): Promise<{ stop(): void }> {
  const opts: ControllerOptions = { client: o.client, informers: o.informers, now: o.now ?? (() => new Date()), log: o.log ?? (() => {}) };
  const controllers: Controller[] = [
    newReplicaSetController(opts), newDeploymentController(opts), newStatefulSetController(opts), newDaemonSetController(opts),
    newGarbageCollector(opts), newNamespaceController(opts),
    newNodeLifecycleController({ ...opts, nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs }),
    newEndpointsController(opts), newDisruptionController(opts),
  ];
  await o.informers.startAll();
  for (const c of controllers) c.start();
  return { stop: () => { for (const c of controllers) c.stop(); } };
}
