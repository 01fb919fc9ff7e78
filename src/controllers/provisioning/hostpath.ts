// The in-tree hostPath volume plugin as the PV controller sees it: provisioner `kubernetes.io/host-path`,
// deleter (only under /tmp, as upstream) and recycler (the scrubber pod `recycler-for-<pv>`).
// Upstream: pkg/volume/hostpath/host_path.go (hostPathProvisioner, hostPathDeleter, Recycle),
// pkg/volume/plugins.go NewPersistentVolumeRecyclerPodTemplate, pkg/volume/util/recyclerclient.
import { claimRequest } from '../pvbinder/helpers.js';
import type { DeletablePlugin, RecyclablePlugin } from '../pvbinder/plugins.js';
import type { PersistentVolume } from '../pvbinder/types.js';
import { quantityValue } from '../../api/quantity.js';
import { type HelperPodRunner, nodeScriptPod, volumeHosts } from './helperpod.js';
import type { Provisioner, ProvisionOptions } from './types.js';

export const HOST_PATH_PROVISIONER = 'kubernetes.io/host-path';
/** Upstream recycler pod command (NewPersistentVolumeRecyclerPodTemplate). */
export const RECYCLER_SCRIPT = 'test -e /scrub && rm -rf /scrub/..?* /scrub/.[!.]* /scrub/*  && test -z "$(ls -A /scrub)" || exit 1';
const TMP_ONLY = /^\/tmp\/.+/;

export interface HostPathDeps {
  runner: HelperPodRunner;
  /** Names of every node, for volumes with no node affinity (their data may be on any node). */
  nodeNames: () => string[];
  timeoutMs?: number;
}

export class HostPathPlugin implements Provisioner, DeletablePlugin, RecyclablePlugin {
  readonly name = HOST_PATH_PROVISIONER;
  readonly supportsMountOptions = false;
  constructor(private readonly d: HostPathDeps) {}

  /** No node affinity: the kubelet of whichever node runs the pod creates the directory (DirectoryOrCreate). */
  async provision(o: ProvisionOptions): Promise<PersistentVolume> {
    const c = o.claim;
    return {
      metadata: { name: o.pvName, labels: { type: 'local' } },
      spec: {
        capacity: { storage: c.spec.resources?.requests?.storage ?? '0' },
        accessModes: c.spec.accessModes,
        persistentVolumeReclaimPolicy: o.storageClass.reclaimPolicy ?? 'Delete',
        hostPath: { path: `/tmp/hostpath-provisioner/${c.metadata.namespace}/${c.metadata.name}`, type: 'DirectoryOrCreate' },
        volumeMode: 'Filesystem',
      },
    };
  }

  async delete(pv: PersistentVolume): Promise<void> {
    const path = pv.spec.hostPath?.path ?? '';
    if (!TMP_ONLY.test(path)) throw new Error(`host_path deleter only supports /tmp/.+ but received provided ${path}`);
    const hosts = volumeHosts(pv);
    const nodes = hosts.length ? hosts : this.d.nodeNames();
    await Promise.all(nodes.map((node) => this.d.runner.run(nodeScriptPod({
      name: `helper-pod-delete-${pv.metadata.name}${hosts.length === 1 ? '' : `-${node}`}`, namespace: 'kube-system', node,
      hostDir: parentDir(path), script: 'set -eu\nrm -rf "$VOL_DIR"', env: { VOL_DIR: path },
    }), this.d.timeoutMs ?? 120_000, 'delete')));
  }

  async recycle(pv: PersistentVolume, report: (message: string) => void): Promise<void> {
    const path = pv.spec.hostPath!.path;
    const hosts = volumeHosts(pv);
    // Upstream hostPath timeouts: at least 60 s, plus 30 s per GiB.
    const gib = Math.ceil(quantityValue(claimRequest({ metadata: {}, spec: { resources: { requests: { storage: pv.spec.capacity?.storage ?? '0' } } } })) / 2 ** 30);
    const deadline = Math.max(60, 30 * gib);
    const pod = nodeScriptPod({
      name: `recycler-for-${pv.metadata.name}`, namespace: 'default', node: hosts.length === 1 ? hosts[0] : undefined,
      nodeAffinityHosts: hosts.length > 1 ? hosts : undefined, hostDir: path, mountPath: '/scrub', script: RECYCLER_SCRIPT,
      activeDeadlineSeconds: deadline, containerName: 'pv-recycler',
    });
    pod.spec.volumes = [{ name: 'data', hostPath: { path } }];
    // Upstream forwards the recycler pod's own events (scheduled, started, ...) as RecyclerPod events.
    await this.d.runner.run(pod, (deadline + 30) * 1000, 'recycle', async (p) => {
      for (const m of await this.d.runner.podEventMessages(p.metadata.namespace!, p.metadata.name!)) report(m);
    });
  }
}

export const parentDir = (p: string) => p.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/';
