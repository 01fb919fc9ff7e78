// persistentVolumeClaim: the claim's bound PV, whose hostPath or local source is set up as if it were
// the pod's own volume; events name the PV as upstream does.
// Upstream: pkg/volume/util/operationexecutor + pkg/kubelet/volumemanager/populator (getPVCExtractPV)
import { R } from '../../api/gvr.js';
import { isNotFound } from '../../api/errors.js';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { KObject } from '../../api/object.js';
import { VolumeError, type MountedVolume, type VolumePlugin } from './types.js';
import { checkHostPathType, setUpLocal } from './hostpath.js';
import { setVolumeOwnership, podFsGroup } from './ownership.js';
import { existsSync, promises as fsp } from 'node:fs';

type PVC = IPersistentVolumeClaim & KObject;
type PV = IPersistentVolume & KObject;

export const pvcPlugin: VolumePlugin = {
  name: 'kubernetes.io/pvc',
  canSupport: (v) => !!v.persistentVolumeClaim,
  async setUp(ctx, v): Promise<MountedVolume> {
    const claimName = v.persistentVolumeClaim!.claimName;
    const ns = ctx.pod.metadata.namespace;
    let pvc: PVC;
    try { pvc = await ctx.client.get<PVC>(R.persistentvolumeclaims, ns, claimName); }
    catch (e) { if (isNotFound(e)) throw new VolumeError(`persistentvolumeclaim "${claimName}" not found`, true); throw e; }
    // Upstream: populator.getPVCExtractPV
    if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) {
      throw new VolumeError(`PVC ${ns}/${claimName} has non-bound phase ("${pvc.status?.phase ?? ''}") or empty pvc.Spec.VolumeName ("${pvc.spec?.volumeName ?? ''}")`, true);
    }
    const pvName = pvc.spec.volumeName;
    let pv: PV;
    try { pv = await ctx.client.get<PV>(R.persistentvolumes, undefined, pvName); }
    catch (e) { if (isNotFound(e)) throw new VolumeError(`persistentvolume "${pvName}" not found`, true); throw e; }
    const readOnly = !!v.persistentVolumeClaim!.readOnly;
    if (pv.spec?.hostPath) {
      const host = await checkHostPathType(ctx.nodeRoot, pv.spec.hostPath.path, pv.spec.hostPath.type);
      if (!existsSync(host)) await fsp.mkdir(host, { recursive: true, mode: 0o755 });
      return { path: host, plugin: 'kubernetes.io/host-path', readOnly, eventName: pvName };
    }
    if (pv.spec?.local) {
      const dir = setUpLocal(ctx, pv.spec.local.path, pvName);
      // Upstream local volumes take the fsGroup (with its change policy) unless mounted read-only.
      const { fsGroup, policy } = podFsGroup(ctx.pod);
      if (!readOnly) {
        try { await setVolumeOwnership(dir, fsGroup, false, policy); }
        catch (e) { throw new VolumeError((e as Error).message, true, 'SetUp', pvName); }
      }
      return { path: dir, plugin: 'kubernetes.io/local-volume', readOnly, eventName: pvName };
    }
    throw new VolumeError(`no volume plugin matched`, false, 'SetUp', pvName);
  },
  async tearDown() { /* the PV's data stays */ },
};
