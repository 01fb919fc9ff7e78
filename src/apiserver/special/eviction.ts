// pods/eviction: a delete that honours PodDisruptionBudgets.
// Upstream: pkg/registry/core/pod/storage/eviction.go (EvictionREST.Create, checkAndDecrement)
import { StatusError, badRequest, type Status } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import type { ResourceInfo } from '../resources.js';
import type { DeleteOptions, Store } from '../store/store.js';
import { parseLabelSelector } from '../store/selectors.js';
import { timestamp } from '../store/meta.js';

interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Pdb {
  metadata: KObject['metadata'];
  spec?: { selector?: LabelSelector };
  status?: { observedGeneration?: number; disruptionsAllowed?: number; desiredHealthy?: number; currentHealthy?: number; disruptedPods?: Record<string, string> };
}

/** metav1.LabelSelector → a matcher; an empty selector matches nothing for PDBs (upstream policy/v1). */
function selectorMatcher(sel: LabelSelector | undefined): ((o: KObject) => boolean) | undefined {
  if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return undefined;
  const terms: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) terms.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (op === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') terms.push(e.key);
    else if (op === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return parseLabelSelector(terms.join(',')) ?? (() => true);
}

const tooMany = (message: string, causes?: { reason: string; message: string }[]) =>
  new StatusError(429, 'TooManyRequests', message, causes ? { causes } : undefined);

export async function createEviction(store: Store, pods: ResourceInfo, ns: string | undefined, name: string, body: KObject, ctx: RequestContext): Promise<Status> {
  if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const pod = await store.get(pods, ns, name);
  const delOpts = ((body as { deleteOptions?: DeleteOptions }).deleteOptions ?? {}) as DeleteOptions;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // Upstream canIgnorePDB: terminal, pending or already-deleting pods are evicted without a budget check.
  const ignorePdb = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!ignorePdb) {
    const pdbRes = store.table.lookup('policy', 'v1', 'poddisruptionbudgets');
    const pdbs = pdbRes ? ((await store.list(pdbRes, ns)).items as unknown as Pdb[]).filter((p) => selectorMatcher(p.spec?.selector)?.(pod)) : [];
    if (pdbs.length > 1) throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (pdbs.length === 1) {
      const pdb = pdbs[0]!;
      const st = pdb.status ?? {};
      const budgetCause = [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently` }];
      if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
        throw tooMany("Cannot evict pod as it would violate the pod's disruption budget.", [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }]);
      }
      if ((st.disruptionsAllowed ?? 0) <= 0) throw tooMany("Cannot evict pod as it would violate the pod's disruption budget.", budgetCause);
      if (!ctx.dryRun) {
        await store.systemUpdate(pdbRes!, ns, pdb.metadata.name!, (cur) => {
          const s = ((cur as unknown as Pdb).status ??= {});
          if ((s.disruptionsAllowed ?? 0) <= 0) throw tooMany("Cannot evict pod as it would violate the pod's disruption budget.", budgetCause);
          s.disruptionsAllowed = (s.disruptionsAllowed ?? 0) - 1;
          s.disruptedPods = { ...(s.disruptedPods ?? {}), [name]: timestamp(ctx.now) };
          return cur;
        });
      }
    }
  }
  await store.delete(pods, ns, name, delOpts, ctx);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
