// pods/binding: the scheduler's POST that assigns a pod to a node.
// Upstream: pkg/registry/core/pod/storage/storage.go BindingREST.Create, setPodHostAndAnnotations.
import { badRequest, conflict, type Status } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import type { ResourceInfo } from '../resources.js';
import type { Store } from '../store/store.js';
import { timestamp } from '../store/meta.js';

interface Binding { metadata: { name?: string; annotations?: Record<string, string> }; target?: { kind?: string; name?: string } }
interface PodCondition { type: string; status: string; lastProbeTime?: string | null; lastTransitionTime?: string }

export async function createBinding(store: Store, pods: ResourceInfo, ns: string | undefined, name: string, body: KObject, ctx: RequestContext): Promise<Status> {
  const b = body as unknown as Binding;
  if (b.metadata?.name && b.metadata.name !== name) badRequestName(b.metadata.name, name);
  const node = b.target?.name;
  if (!node) throw badRequest('Binding.target.name: Required value');
  if (b.target?.kind && b.target.kind !== 'Node') throw badRequest(`Binding target kind must be Node, not ${b.target.kind}`);
  await store.systemUpdate(pods, ns, name, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw conflict('', 'pods/binding', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict('', 'pods/binding', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    if (b.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...b.metadata.annotations };
    const status = (pod.status ??= {}) as { conditions?: PodCondition[] };
    const conds = (status.conditions ??= []);
    const c = conds.find((x) => x.type === 'PodScheduled');
    if (c) { if (c.status !== 'True') { c.status = 'True'; c.lastTransitionTime = timestamp(ctx.now); delete (c as { reason?: string }).reason; delete (c as { message?: string }).message; } }
    else conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.now) });
    return pod;
  }, ctx.dryRun);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function badRequestName(got: string, want: string): never {
  throw badRequest(`the name of the object (${got}) does not match the name on the URL (${want})`);
}
