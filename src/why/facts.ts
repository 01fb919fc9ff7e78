// Reading the API for `why`: objects by name (undefined when absent), recent events of an object, and the
// node-side facts that keep a pod from a node (cordoned, NotReady, tainted).
import { R, type GVR } from '../api/gvr.js';
import { isNotFound } from '../api/errors.js';
import type { KObject } from '../api/object.js';
import type { Client } from '../client/types.js';
import type { Node } from '../controllers/pvbinder/types.js';

export async function getOr<T extends KObject>(client: Client, gvr: GVR, ns: string | undefined, name: string): Promise<T | undefined> {
  try { return await client.get<T>(gvr, gvr.namespaced ? ns : undefined, name); } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export interface EventFact { type: string; reason: string; message: string; last: string; count: number }

/** Events about one object, newest last. */
export async function eventsOf(client: Client, ns: string, kind: string, name: string): Promise<EventFact[]> {
  let items: KObject[];
  try {
    items = (await client.list(R.events, ns, { fieldSelector: `involvedObject.name=${name}` })).items;
  } catch {
    items = (await client.list(R.events, ns)).items;
  }
  return items
    .filter((e) => { const io = e.involvedObject as { name?: string; kind?: string } | undefined; return io?.name === name && (!io.kind || io.kind === kind); })
    .map((e) => ({
      type: String(e.type ?? ''), reason: String(e.reason ?? ''), message: String(e.message ?? ''),
      last: String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? ''), count: Number(e.count ?? 1),
    }))
    .sort((a, b) => a.last.localeCompare(b.last));
}

export const lastEvent = (evs: EventFact[], ...reasons: string[]) => [...evs].reverse().find((e) => reasons.includes(e.reason));

/** Why a node cannot take new pods, in words, or undefined when it can. */
export function nodeBlocker(node: Node | undefined, name: string): { words: string; fix: string } | undefined {
  if (!node) return { words: `node ${name} does not exist`, fix: `bring node ${name} back (or recreate the volume elsewhere)` };
  if (node.spec?.unschedulable) return { words: `node ${name} is cordoned`, fix: `kubectl uncordon ${name}` };
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return { words: `node ${name} is NotReady`, fix: `check the agent of node ${name}` };
  const taint = node.spec?.taints?.find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taint) return { words: `node ${name} has the taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`, fix: `kubectl taint nodes ${name} ${taint.key}:${taint.effect}- (or add a toleration to the pod)` };
  return undefined;
}

/** The hostnames a PersistentVolume's node affinity allows ([] = any node). */
export function allowedHosts(pv: KObject): string[] {
  const terms = (pv.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } })?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const hosts = new Set<string>();
  for (const t of terms) for (const e of t.matchExpressions ?? []) if (e.key === 'kubernetes.io/hostname' && e.operator === 'In') for (const v of e.values ?? []) hosts.add(v);
  return [...hosts];
}
