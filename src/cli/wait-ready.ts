// Waits until the named Nodes report Ready=True, by watching them (no polling).
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import type { Client } from '../client/types.js';

type Node = KObject & { status?: { conditions?: Array<{ type: string; status: string }> } };
const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export async function waitForNodesReady(client: Client, names: string[], timeoutMs: number): Promise<void> {
  const pending = new Set(names);
  const list = await client.list<Node>(R.nodes, undefined);
  for (const n of list.items) if (isReady(n)) pending.delete(n.metadata.name!);
  if (pending.size === 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { w.stop(); reject(new Error(`nodes not Ready after ${timeoutMs} ms: ${[...pending].join(', ')}`)); }, timeoutMs);
    const w = client.watch<Node>(R.nodes, undefined, { resourceVersion: list.metadata.resourceVersion }, (ev) => {
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && isReady(ev.object)) pending.delete(ev.object.metadata.name!);
      if (pending.size === 0) { clearTimeout(timer); w.stop(); resolve(); }
    });
  });
}
