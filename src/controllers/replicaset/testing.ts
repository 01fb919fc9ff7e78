// Test helpers for controller tests: a stand-in kubelet that marks pods Running and Ready (the node agent
// is another component), and a harness that starts controllers over a MemClient.
import { R } from '../../api/gvr.js';
import { InformerFactory } from '../../client/informer.js';
import { MemClient } from '../../scheduler/testing/memclient.js';
import type { Pod } from '../../util/types.js';
import type { Controller, ControllerOptions } from './controller-utils.js';

export function markReady(client: MemClient, pod: Pod, at = new Date()): Promise<unknown> {
  const ts = at.toISOString().replace(/\.\d+Z$/, 'Z');
  return client.update(R.pods, pod.metadata.namespace, { ...pod, status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: ts }] } }, { subresource: 'status' });
}

export async function harness(makers: Array<(o: ControllerOptions) => Controller>, o: { autoReady?: boolean; client?: MemClient } = {}) {
  const client = o.client ?? new MemClient();
  const informers = new InformerFactory(client);
  const opts: ControllerOptions = { client, informers, now: () => new Date(), log: (m, x) => { if (process.env.DEBUG) console.log(m, x); } };
  const cs = makers.map((m) => m(opts));
  if (o.autoReady) informers.for<Pod>(R.pods).addEventHandler({
    onAdd: (p) => { if (p.status?.phase !== 'Running') void markReady(client, p).catch(() => {}); },
  });
  await informers.startAll();
  for (const c of cs) c.start();
  return { client, informers, stop: () => { for (const c of cs) c.stop(); informers.stopAll(); } };
}
