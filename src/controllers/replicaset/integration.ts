// Integration-test harness: the real in-process API server (memory datastore) with every workload
// controller running, and a stand-in kubelet that marks pods Running/Ready on request.
import { R } from '../../api/gvr.js';
import { InformerFactory } from '../../client/informer.js';
import type { Client } from '../../client/types.js';
import { memoryServer } from '../../apiserver/testing/harness.js';
import type { ApiServer } from '../../apiserver/index.js';
import { startWorkloadControllers } from '../workloads.js';
import type { Pod } from '../../util/types.js';

export async function cluster(o: { nodeMonitorGracePeriodMs?: number; server?: ApiServer; kubelet?: boolean } = {}) {
  const server = o.server ?? await memoryServer();
  const client = server.client();
  const informers = new InformerFactory(client);
  // With kubelet: every pod bound to a node is reported Running and Ready at once.
  if (o.kubelet) informers.for<Pod>(R.pods).addEventHandler({
    onAdd: (p) => { if (p.spec.nodeName && p.status?.phase !== 'Running') void makeRunningReady(client, p.metadata.namespace!, p.metadata.name!).catch(() => {}); },
    onUpdate: (_o, p) => { if (p.spec.nodeName && !p.metadata.deletionTimestamp && p.status?.phase !== 'Running') void makeRunningReady(client, p.metadata.namespace!, p.metadata.name!).catch(() => {}); },
  });
  // The node agent's part of graceful deletion: once a pod is marked for deletion, its containers stop and the
  // agent deletes it for good (grace period 0).
  informers.for<Pod>(R.pods).addEventHandler({
    onUpdate: (_o, p) => { if (p.metadata.deletionTimestamp) void client.delete(R.pods, p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => {}); },
  });
  const ctl = await startWorkloadControllers({ client, informers, nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs, log: (m, x) => { if (process.env.DEBUG) console.log(m, x); } });
  return { server, client, informers, stop: async () => { ctl.stop(); informers.stopAll(); await server.close(); } };
}

/** What the node agent would write once the pod's containers run and pass readiness. */
export async function makeRunningReady(client: Client, ns: string, name: string, nodeName = 'node-a'): Promise<void> {
  const p = await client.get<Pod>(R.pods, ns, name);
  if (!p.spec.nodeName) await client.createSubresource(R.pods, ns, name, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } });
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(R.pods, ns, name, 'merge', { status: { phase: 'Running', podIP: '10.0.0.9', hostIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: ts }, { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: ts }] } }, { subresource: 'status' });
}
