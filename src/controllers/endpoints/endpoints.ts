// Endpoints and EndpointSlice controllers for Services with selectors: ready pods' addresses (with hostname
// when the pod's subdomain is the Service, as StatefulSet pods behind a headless Service), not-ready ones in
// notReadyAddresses (or ready when publishNotReadyAddresses), ports resolved from targetPort.
// Upstream: pkg/controller/endpoint/endpoints_controller.go, pkg/controller/endpointslice (reconciler.go, utils.go)
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound, isConflict } from '../../api/errors.js';
import { objectKey, splitKey, type KObject } from '../../api/object.js';
import { mapSelectorMatches } from '../../util/labels.js';
import { isPodReady, type Pod } from '../../util/types.js';
import { byNamespace, canonicalJSON, newControllerRef, QueueRunner, randomSuffix, type Controller, type ControllerOptions } from '../replicaset/controller-utils.js';

interface ServicePort { name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }
export interface Service extends KObject { spec?: { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string; publishNotReadyAddresses?: boolean; type?: string } }
export interface EndpointAddress { ip: string; hostname?: string; nodeName?: string; targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string } }
export interface EndpointPort { name?: string; port: number; protocol: string; appProtocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }

export const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The pod's IP; pods without one are skipped as upstream does, except that a pod with only a hostIP (no pod network yet) uses it. */
function podIP(p: Pod): string | undefined { return p.status?.podIP || p.status?.podIPs?.[0]?.ip || p.status?.hostIP || undefined; }

/** targetPort by number or by the name of a container port. Upstream: pkg/api/v1/pod/util.go FindPort */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  return undefined;
}

/** Pods a Service selects and that should be endpoints (not terminal, not deleting unless publishing not-ready). */
export function endpointPods(svc: Service, pods: Pod[]): Pod[] {
  const pub = !!svc.spec?.publishNotReadyAddresses;
  return pods.filter((p) => mapSelectorMatches(svc.spec!.selector, p.metadata.labels) && podIP(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && (pub || !p.metadata.deletionTimestamp))
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

function address(svc: Service, p: Pod): EndpointAddress {
  const a: EndpointAddress = { ip: podIP(p)!, targetRef: { kind: 'Pod', namespace: p.metadata.namespace!, name: p.metadata.name!, uid: p.metadata.uid! } };
  // Upstream: endpoints_controller.go podToEndpointAddressForService — hostname only when subdomain is this Service
  if (p.spec.hostname && p.spec.subdomain === svc.metadata.name && p.metadata.namespace === svc.metadata.namespace) a.hostname = p.spec.hostname;
  if (p.spec.nodeName) a.nodeName = p.spec.nodeName;
  return { ip: a.ip, ...(a.hostname ? { hostname: a.hostname } : {}), ...(a.nodeName ? { nodeName: a.nodeName } : {}), targetRef: a.targetRef };
}

/** Subsets grouped by resolved port set. Upstream: endpoints_controller.go syncService + endpoints.RepackSubsets */
export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const pub = !!svc.spec?.publishNotReadyAddresses;
  const groups = new Map<string, EndpointSubset>();
  for (const p of endpointPods(svc, pods)) {
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const n = findPort(p, sp);
      if (n === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port: n, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if ((svc.spec?.ports ?? []).length && !ports.length) continue;
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ...(ports.length ? { ports } : {}) }));
    const ready = pub || (isPodReady(p) && !p.metadata.deletionTimestamp);
    const list = ready ? (g.addresses ??= []) : (g.notReadyAddresses ??= []);
    list.push(address(svc, p));
  }
  return [...groups.values()].map((g) => ({ ...(g.addresses ? { addresses: g.addresses } : {}), ...(g.notReadyAddresses ? { notReadyAddresses: g.notReadyAddresses } : {}), ...(g.ports ? { ports: g.ports } : {}) }));
}

/** The single IPv4 EndpointSlice content for a Service. Upstream: endpointslice/utils.go podToEndpoint */
export function sliceContent(svc: Service, pods: Pod[]): { endpoints: unknown[]; ports: unknown[] } {
  const pub = !!svc.spec?.publishNotReadyAddresses;
  const eps = endpointPods(svc, pods).map((p) => {
    const a = address(svc, p);
    const ready = isPodReady(p) && !p.metadata.deletionTimestamp;
    return {
      addresses: [a.ip],
      conditions: { ready: pub || ready, serving: isPodReady(p), terminating: !!p.metadata.deletionTimestamp },
      ...(a.hostname ? { hostname: a.hostname } : {}), ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      targetRef: a.targetRef,
    };
  });
  const first = endpointPods(svc, pods)[0];
  const ports = (svc.spec?.ports ?? []).map((sp) => ({ name: sp.name ?? '', port: first ? findPort(first, sp) ?? null : null, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }));
  return { endpoints: eps, ports };
}

export function newEndpointsController(o: ControllerOptions): Controller {
  const { client, log } = o;
  const svcInf = o.informers.for<Service>(R.services);
  const podInf = o.informers.for<Pod>(R.pods);
  const epInf = o.informers.for<KObject>(R.endpoints);
  const sliceInf = o.informers.for<KObject>(R.endpointslices);
  const podsIn = byNamespace(podInf);
  const slicesIn = byNamespace(sliceInf);
  const runner = new QueueRunner('endpoints', sync, log, 2);

  const enqueueForPod = (p: Pod, old?: Pod) => {
    for (const s of svcInf.list()) {
      if (s.metadata.namespace !== p.metadata.namespace || !s.spec?.selector) continue;
      if (mapSelectorMatches(s.spec.selector, p.metadata.labels) || (old && mapSelectorMatches(s.spec.selector, old.metadata.labels))) runner.add(objectKey(s));
    }
  };
  svcInf.addEventHandler({ onAdd: (s) => runner.add(objectKey(s)), onUpdate: (_a, s) => runner.add(objectKey(s)), onDelete: (s) => runner.add(objectKey(s)) });
  podInf.addEventHandler({ onAdd: (p) => enqueueForPod(p), onUpdate: (a, p) => enqueueForPod(p, a), onDelete: (p) => enqueueForPod(p) });
  epInf.addEventHandler({ onDelete: (e) => { if (svcInf.get(objectKey(e))) runner.add(objectKey(e)); } });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = svcInf.get(key);
    if (!svc) {
      // Upstream: the endpoints controller deletes Endpoints of deleted Services; slices go with their ownerReference.
      if (epInf.get(key)) { try { await client.delete(R.endpoints, namespace, name); } catch (e) { if (!isNotFound(e)) throw e; } }
      return;
    }
    if (!svc.spec?.selector) return;
    const pods = podsIn(namespace!);
    await syncEndpoints(svc, pods);
    await syncSlice(svc, pods);
  }

  async function syncEndpoints(svc: Service, pods: Pod[]): Promise<void> {
    const subsets = computeSubsets(svc, pods);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const cur = epInf.get(objectKey(svc));
    if (cur && canonicalJSON(cur.subsets ?? []) === canonicalJSON(subsets) && canonicalJSON(cur.metadata.labels ?? {}) === canonicalJSON(labels)) return;
    const ep: KObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...(cur?.metadata ?? { name: svc.metadata.name, namespace: svc.metadata.namespace }), labels }, subsets };
    if (!subsets.length) delete ep.subsets;
    try {
      if (cur) await client.update(R.endpoints, svc.metadata.namespace, ep);
      else await client.create(R.endpoints, svc.metadata.namespace, ep);
    } catch (e) { if (isConflict(e) || isAlreadyExists(e)) { runner.add(objectKey(svc)); return; } throw e; }
  }

  async function syncSlice(svc: Service, pods: Pod[]): Promise<void> {
    const mine = slicesIn(svc.metadata.namespace!).filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name && s.metadata.labels?.[MANAGED_BY] === SLICE_CONTROLLER);
    const { endpoints, ports } = sliceContent(svc, pods);
    const labels = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name!, [MANAGED_BY]: SLICE_CONTROLLER, ...(svc.spec?.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}) };
    const [keep, ...extra] = mine;
    for (const s of extra) { try { await client.delete(R.endpointslices, s.metadata.namespace, s.metadata.name!); } catch (e) { if (!isNotFound(e)) throw e; } }
    if (keep && canonicalJSON({ e: keep.endpoints ?? [], p: keep.ports ?? [], l: keep.metadata.labels }) === canonicalJSON({ e: endpoints, p: ports, l: labels })) return;
    const slice: KObject = {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: keep ? { ...keep.metadata, labels } : { name: `${svc.metadata.name}-${randomSuffix()}`, generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
      addressType: 'IPv4', endpoints, ports,
    };
    try {
      if (keep) await client.update(R.endpointslices, svc.metadata.namespace, slice);
      else await client.create(R.endpointslices, svc.metadata.namespace, slice);
    } catch (e) { if (isConflict(e) || isAlreadyExists(e)) { runner.add(objectKey(svc)); return; } throw e; }
  }

  return { start: () => runner.start(), stop: () => runner.stop() };
}
