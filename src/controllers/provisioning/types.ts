// The provisioner contract: one module per provisioner, chosen by StorageClass.provisioner.
// Upstream: sigs.k8s.io/sig-storage-lib-external-provisioner/v11 controller/volume.go (Provisioner,
// ProvisionOptions) and, for in-tree plugins, pkg/volume/plugins.go (ProvisionableVolumePlugin).
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../pvbinder/types.js';

export interface ProvisionOptions {
  /** `pvc-<claim uid>`. */
  pvName: string;
  claim: PersistentVolumeClaim;
  storageClass: StorageClass;
  /** The node the scheduler chose (volume.kubernetes.io/selected-node), for WaitForFirstConsumer classes. */
  selectedNode?: Node;
}

export interface Provisioner {
  /** StorageClass.provisioner value this module answers to, e.g. `rancher.io/local-path`. */
  readonly name: string;
  /** Whether StorageClass.mountOptions may be passed on to the PV (in-tree plugins that cannot refuse). */
  readonly supportsMountOptions: boolean;
  /** Makes the storage and returns the PV to create (name, spec; claimRef/class/policy are filled in by the caller). */
  provision(o: ProvisionOptions): Promise<PersistentVolume>;
  /** Removes the storage of a released volume this provisioner made. */
  delete(pv: PersistentVolume): Promise<void>;
}

/** Error a provisioner throws when it will never succeed for this claim on this node (upstream ProvisioningFinalError/Reschedule). */
export class RescheduleError extends Error {}
