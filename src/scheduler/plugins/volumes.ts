// Volume plugins: VolumeRestrictions (ReadWriteOncePod), VolumeZone and VolumeBinding (bound claims' PV
// node affinity, WaitForFirstConsumer static binding and provisioning, PreBind with the API).
// Upstream: pkg/scheduler/framework/plugins/{volumerestrictions,volumezone,volumebinding}
import { R } from '../../api/gvr.js';
import { isNotFound, isConflict } from '../../api/errors.js';
import type { Client } from '../../client/types.js';
import { Status, type CycleState, type FilterPlugin, type PluginContext, type PreBindPlugin, type PreFilterPlugin, type ReservePlugin } from '../framework.js';
import type { NodeInfo, SchedulerCache } from '../cache.js';
import { nodeSelectorMatches, selectorMatches } from '../../util/labels.js';
import { parseQuantity } from '../util/quantity.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../util/types.js';

export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

/** The claim names a pod's volumes use (generic ephemeral volumes: <pod>-<volume>). */
export function podClaims(pod: Pod): Array<{ name: string; ephemeral: boolean }> {
  const out: Array<{ name: string; ephemeral: boolean }> = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

/** Upstream: component-helpers/storage/volume GetPersistentVolumeClaimClass */
export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec.storageClassName ?? '';
}
export function pvClass(pv: PersistentVolume): string {
  return pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec.storageClassName ?? '';
}
export function pvNodeAffinityMatches(pv: PersistentVolume, ni: NodeInfo): boolean {
  const req = pv.spec.nodeAffinity?.required;
  return !req || nodeSelectorMatches(req, ni.node);
}
/** A claim counts as bound once the PV controller finished binding it. Upstream: volumebinding/binder.go isPVCFullyBound */
export function claimFullyBound(pvc: PersistentVolumeClaim): boolean {
  return !!pvc.spec.volumeName && (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined || pvc.status?.phase === 'Bound');
}

// ---------------------------------------------------------------- VolumeRestrictions
const RWOP_REASON = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
export const volumeRestrictions: PreFilterPlugin & FilterPlugin = {
  name: 'VolumeRestrictions',
  preFilter(state, pod, { cache }) {
    let conflicts = 0;
    for (const c of podClaims(pod)) {
      if (c.ephemeral) continue;
      const pvc = cache.inf.pvcs.getByName(pod.metadata.namespace, c.name);
      if (!pvc) return Status.unresolvable(`persistentvolumeclaim "${c.name}" not found`);
      if ((pvc.spec.accessModes ?? []).includes('ReadWriteOncePod')) conflicts += cache.claimUsers.get(`${pod.metadata.namespace}/${c.name}`) ?? 0;
    }
    state.write('VolumeRestrictions', conflicts);
    return Status.ok();
  },
  filter(state) {
    return (state.read<number>('VolumeRestrictions') ?? 0) > 0 ? Status.unschedulable(RWOP_REASON) : Status.ok();
  },
};

// ---------------------------------------------------------------- VolumeZone
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region'];
export const volumeZone: FilterPlugin = {
  name: 'VolumeZone',
  filter(_s, pod, ni, { cache }) {
    for (const c of podClaims(pod)) {
      const pvc = cache.inf.pvcs.getByName(pod.metadata.namespace, c.name);
      if (!pvc?.spec.volumeName) continue;
      const pv = cache.inf.pvs.getByName(undefined, pvc.spec.volumeName);
      if (!pv) continue;
      for (const l of ZONE_LABELS) {
        const v = pv.metadata.labels?.[l];
        if (v === undefined) continue;
        const nodeV = ni.node.metadata.labels?.[l];
        if (nodeV === undefined || !v.split('__').includes(nodeV)) return Status.unresolvable('node(s) had no available volume zone');
      }
    }
    return Status.ok();
  },
};

// ---------------------------------------------------------------- VolumeBinding
interface PodVolumeClaims { bound: PersistentVolumeClaim[]; delayed: PersistentVolumeClaim[] }
interface NodeVolumes { static: Array<{ pvc: PersistentVolumeClaim; pv: PersistentVolume }>; provision: PersistentVolumeClaim[] }
const KEY = 'VolumeBinding';
interface BindingState { claims: PodVolumeClaims; perNode: Map<string, NodeVolumes>; chosen?: NodeVolumes }

const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
const REASON_PV_MISSING = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

function isDelayBinding(pvc: PersistentVolumeClaim, classes: SchedulerCache['inf']['classes']): boolean {
  const cls = claimClass(pvc);
  if (!cls) return false;
  return classes.getByName(undefined, cls)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/**
 * The smallest Available PV that satisfies the claim on this node, as the scheduler's FindMatchingVolume call:
 * pre-bound first, then phase, selector, class, node affinity, access modes; excluded PVs are skipped.
 * Returns null also when a PV pre-bound to the claim fails node affinity. Upstream: component-helpers pv_helpers.go FindMatchingVolume
 */
export function findMatchingVolume(pvc: PersistentVolumeClaim, pvs: Iterable<PersistentVolume>, ni: NodeInfo | undefined, excluded: (pv: PersistentVolume) => boolean): PersistentVolume | null {
  const want = parseQuantity(pvc.spec.resources?.requests?.storage);
  const cls = claimClass(pvc);
  const modes = pvc.spec.accessModes ?? [];
  let best: PersistentVolume | null = null, bestSize = Infinity;
  for (const pv of pvs) {
    if (excluded(pv)) continue;
    const ref = pv.spec.claimRef;
    const preBound = !!ref && ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
    if (ref && !preBound) continue;
    const size = parseQuantity(pv.spec.capacity?.storage);
    if (size < want) continue;
    if ((pv.spec.volumeMode ?? 'Filesystem') !== (pvc.spec.volumeMode ?? 'Filesystem')) continue;
    if ((pv.spec.volumeAttributesClassName ?? '') !== (pvc.spec.volumeAttributesClassName ?? '')) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const affinityOk = !ni || pvNodeAffinityMatches(pv, ni);
    if (preBound) return affinityOk ? pv : null;
    if (pv.status?.phase !== 'Available') continue;
    if (pvc.spec.selector && !selectorMatches(pvc.spec.selector, pv.metadata.labels)) continue;
    if (pvClass(pv) !== cls) continue;
    if (!affinityOk) continue;
    if (!modes.every((m) => (pv.spec.accessModes ?? []).includes(m))) continue;
    if (size < bestSize) { best = pv; bestSize = size; }
  }
  return best;
}

/** Whether the class could provision a volume reachable from this node. Upstream: volumebinding/binder.go checkVolumeProvisions */
function canProvision(sc: StorageClass | undefined, ni: NodeInfo): boolean {
  if (!sc || !sc.provisioner || sc.provisioner === 'kubernetes.io/no-provisioner') return false;
  if (!sc.allowedTopologies?.length) return true;
  const terms = sc.allowedTopologies.map((t) => ({ matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })) }));
  return nodeSelectorMatches({ nodeSelectorTerms: terms }, ni.node);
}

export interface VolumeBindingOptions { client: Client; bindTimeoutMs?: number; pollMs?: number }

export function volumeBinding(o: VolumeBindingOptions): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin {
  const bindTimeoutMs = o.bindTimeoutMs ?? 600_000;
  const pollMs = o.pollMs ?? 50;
  return {
    name: 'VolumeBinding',
    // Upstream: volume_binding.go PreFilter, podHasPVCs, GetPodVolumeClaims
    preFilter(state, pod, { cache }) {
      const claims = podClaims(pod);
      if (claims.length === 0) return Status.skip();
      const out: PodVolumeClaims = { bound: [], delayed: [] };
      let immediate = false;
      for (const c of claims) {
        const pvc = cache.inf.pvcs.getByName(pod.metadata.namespace, c.name);
        if (!pvc) return Status.unresolvable(c.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${c.name}"` : `persistentvolumeclaim "${c.name}" not found`);
        if (pvc.metadata.deletionTimestamp) return Status.unresolvable(`persistentvolumeclaim "${c.name}" is being deleted`);
        if (pvc.status?.phase === 'Lost') return Status.unresolvable(`persistentvolumeclaim "${c.name}" bound to non-existent persistentvolume "${pvc.spec.volumeName ?? ''}"`);
        if (claimFullyBound(pvc)) out.bound.push(pvc);
        else if (!pvc.spec.volumeName && isDelayBinding(pvc, cache.inf.classes)) out.delayed.push(pvc);
        else immediate = true;
      }
      if (immediate) return Status.unresolvable('pod has unbound immediate PersistentVolumeClaims');
      state.write(KEY, { claims: out, perNode: new Map() } satisfies BindingState);
      return Status.ok();
    },
    // Upstream: binder.go FindPodVolumes (checkBoundClaims, findMatchingVolumes, checkVolumeProvisions)
    filter(state, pod, ni, { cache }) {
      const st = state.read<BindingState>(KEY);
      if (!st) return Status.ok();
      const reasons: string[] = [];
      for (const pvc of st.claims.bound) {
        const pv = cache.inf.pvs.getByName(undefined, pvc.spec.volumeName!);
        if (!pv) { reasons.push(REASON_PV_MISSING); break; }
        if (!pvNodeAffinityMatches(pv, ni)) { reasons.push(REASON_NODE_CONFLICT); break; }
      }
      if (reasons.length) return Status.unresolvable(...reasons);
      const res: NodeVolumes = { static: [], provision: [] };
      const chosen = new Set<string>();
      for (const pvc of st.claims.delayed) {
        const sel = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
        if (sel && sel !== ni.name) return Status.unresolvable(REASON_BIND_CONFLICT);
        const pvs = cache.pvsOfClass(claimClass(pvc));
        const pv = findMatchingVolume(pvc, pvs, ni, (v) => chosen.has(v.metadata.name!) || (cache.assumedPVs.has(v.metadata.name!) && cache.assumedPVs.get(v.metadata.name!) !== `${pvc.metadata.namespace}/${pvc.metadata.name}`));
        if (pv) { chosen.add(pv.metadata.name!); res.static.push({ pvc, pv }); continue; }
        if (!canProvision(cache.inf.classes.getByName(undefined, claimClass(pvc)), ni)) return Status.unresolvable(REASON_BIND_CONFLICT);
        res.provision.push(pvc);
      }
      st.perNode.set(ni.name, res);
      return Status.ok();
    },
    // Upstream: binder.go AssumePodVolumes
    reserve(state, pod, nodeName, { cache }) {
      const st = state.read<BindingState>(KEY);
      const nv = st?.perNode.get(nodeName);
      if (!st || !nv) return Status.ok();
      st.chosen = nv;
      for (const b of nv.static) cache.assumedPVs.set(b.pv.metadata.name!, `${b.pvc.metadata.namespace}/${b.pvc.metadata.name}`);
      return Status.ok();
    },
    unreserve(state, _pod, _node, { cache }) {
      const nv = state.read<BindingState>(KEY)?.chosen;
      for (const b of nv?.static ?? []) cache.assumedPVs.delete(b.pv.metadata.name!);
    },
    // Upstream: binder.go BindPodVolumes (bindAPIUpdate, then checkBindings until every claim is fully bound)
    async preBind(state, pod, nodeName, { cache }) {
      const st = state.read<BindingState>(KEY);
      const nv = st?.chosen;
      if (!st || !nv || (nv.static.length === 0 && nv.provision.length === 0)) return Status.ok();
      const fail = (msg: string) => Status.error(`binding volumes: ${msg}`);
      try {
        for (const { pvc, pv } of nv.static) {
          const cur = await o.client.get<PersistentVolume>(R.persistentvolumes, undefined, pv.metadata.name!);
          const ref = cur.spec.claimRef;
          if (ref?.uid === pvc.metadata.uid) continue;
          cur.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
          if (!ref) cur.metadata.annotations = { ...cur.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
          await o.client.update(R.persistentvolumes, undefined, cur);
        }
        for (const pvc of nv.provision) {
          if (pvc.metadata.annotations?.[ANN_SELECTED_NODE] === nodeName) continue;
          await o.client.patch(R.persistentvolumeclaims, pvc.metadata.namespace, pvc.metadata.name!, 'merge',
            { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } });
        }
      } catch (e) {
        if (isConflict(e) || isNotFound(e)) return fail((e as Error).message);
        throw e;
      }
      // Wait until the PV controller (and provisioner) report every claim bound.
      const deadline = Date.now() + bindTimeoutMs;
      const sawSelected = new Set<string>();
      for (;;) {
        let all = true;
        for (const { pvc, pv } of nv.static) {
          const cur = cache.inf.pvcs.getByName(pvc.metadata.namespace, pvc.metadata.name!);
          if (!cur) return fail(`pvc "${pvc.metadata.namespace}/${pvc.metadata.name}" not found`);
          const curPV = cache.inf.pvs.getByName(undefined, pv.metadata.name!);
          if (curPV && curPV.spec.claimRef?.uid !== pvc.metadata.uid && !claimFullyBound(cur)) {
            if (curPV.spec.claimRef) return fail(`ClaimRef got reset for pv "${pv.metadata.name}"`);
          }
          if (!claimFullyBound(cur)) all = false;
        }
        for (const pvc of nv.provision) {
          const cur = cache.inf.pvcs.getByName(pvc.metadata.namespace, pvc.metadata.name!);
          if (!cur) return fail(`pvc "${pvc.metadata.namespace}/${pvc.metadata.name}" not found`);
          if (claimFullyBound(cur)) {
            const pv = cache.inf.pvs.getByName(undefined, cur.spec.volumeName!);
            const ni = cache.nodes.get(nodeName);
            if (pv && ni && !pvNodeAffinityMatches(pv, ni)) return fail(`pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms`);
            continue;
          }
          all = false;
          // The provisioner removes the annotation when it fails; the scheduler then reschedules the pod.
          if (cur.metadata.annotations?.[ANN_SELECTED_NODE] === nodeName) sawSelected.add(pvc.metadata.name!);
          else if (sawSelected.has(pvc.metadata.name!)) return fail(`provisioning failed for PVC "${pvc.metadata.name}"`);
        }
        if (all) return Status.ok();
        if (Date.now() > deadline) return fail('context deadline exceeded');
        // Upstream: binder.go checkBindings — a deleted pod stops the wait.
        const live = cache.inf.pods.getByName(pod.metadata.namespace, pod.metadata.name!);
        if (!live || live.metadata.uid !== pod.metadata.uid || live.metadata.deletionTimestamp)
          return fail(`pod does not exist any more: pod "${pod.metadata.name}" not found`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  };
}
export type { PluginContext, CycleState };
