// Namespace controller: for a Terminating namespace, deletes every namespaced object in it, waits until
// they are gone (pods terminate gracefully, finalizers run), then removes the `kubernetes` finalizer via
// the namespaces/<name>/finalize subresource so the API server can delete the namespace.
// Upstream: pkg/controller/namespace/deletion/namespaced_resources_deleter.go
import { R, type GVR } from '../../api/gvr.js';
import { isNotFound, isConflict, isStatusError } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import { rfc3339, type Condition } from '../../util/types.js';
import { QueueRunner, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

export const FINALIZER = 'kubernetes';
interface Namespace extends KObject { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: Condition[] } }

/** Every namespaced resource, workloads first so their controllers stop recreating pods. */
export const NAMESPACED: GVR[] = [
  R.deployments, R.statefulsets, R.daemonsets, R.replicasets, R.pods, R.controllerrevisions, R.poddisruptionbudgets,
  R.services, R.endpointslices, R.endpoints, R.persistentvolumeclaims, R.configmaps, R.secrets, R.serviceaccounts, R.leases,
  R.events, R.eventsv1,
];

export function newNamespaceController(o: ControllerOptions & { retryMs?: number }): Controller {
  const { client, log, now } = o;
  const nsInf = o.informers.for<Namespace>(R.namespaces);
  const runner = new QueueRunner('namespace', sync, log, 2);
  nsInf.addEventHandler({
    onAdd: (n) => { if (n.metadata.deletionTimestamp) runner.add(n.metadata.name!); },
    onUpdate: (_a, n) => { if (n.metadata.deletionTimestamp) runner.add(n.metadata.name!); },
  });

  async function setCondition(ns: Namespace, c: Condition): Promise<void> {
    const old = ns.status?.conditions?.find((x) => x.type === c.type);
    if (old && old.status === c.status && old.message === c.message) return;
    const conditions = [...(ns.status?.conditions ?? []).filter((x) => x.type !== c.type), { ...c, lastTransitionTime: rfc3339(now()) }];
    try { await client.update(R.namespaces, undefined, { ...ns, status: { ...ns.status, phase: 'Terminating', conditions } }, { subresource: 'status' }); }
    catch (e) { if (!isNotFound(e) && !isConflict(e)) throw e; }
  }

  async function sync(name: string): Promise<void> {
    const ns = nsInf.getByName(undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
    let remaining = 0;
    const left: string[] = [];
    for (const gvr of NAMESPACED) {
      let items: KObject[];
      try { items = (await client.list(gvr, name)).items; } catch (e) { if (isStatusError(e) && (e.code === 404 || e.code === 405)) continue; throw e; }
      for (const it of items) {
        if (!it.metadata.deletionTimestamp) {
          try { await client.delete(gvr, name, it.metadata.name!, { propagationPolicy: 'Background' }); } catch (e) { if (!isNotFound(e)) throw e; }
        }
      }
      // Count what is still there after this pass (graceful pods, finalizers).
      const after = items.length ? (await client.list(gvr, name)).items.length : 0;
      if (after) { remaining += after; left.push(`${gvr.resource}${gvr.group ? '.' + gvr.group : ''} has ${after} resource instances`); }
    }
    if (remaining > 0) {
      // Upstream condition NamespaceContentRemaining
      await setCondition(ns, { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${left.join(', ')}` });
      runner.addAfter(name, o.retryMs ?? 1000);
      return;
    }
    const cur = await client.get<Namespace>(R.namespaces, undefined, name);
    const finalizers = (cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
    try {
      await client.update(R.namespaces, undefined, { ...cur, spec: { ...cur.spec, finalizers } }, { subresource: 'finalize' });
    } catch (e) { if (!isNotFound(e)) throw e; }
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
