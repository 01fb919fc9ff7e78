// The volume plugins the PV controller consults for in-tree provisioning and for reclaiming volumes.
// Upstream: pkg/volume/plugins.go VolumePluginMgr (FindProvisionablePluginByName, FindDeletablePluginByName,
// FindDeletablePluginBySpec, FindRecyclablePluginBySpec).
import type { Provisioner } from '../provisioning/types.js';
import type { PersistentVolume } from './types.js';

export interface DeletablePlugin { readonly name: string; delete(pv: PersistentVolume): Promise<void> }
export interface RecyclablePlugin {
  readonly name: string;
  /** Scrubs the volume; `report` forwards recycler pod messages as RecyclerPod events. */
  recycle(pv: PersistentVolume, report: (message: string) => void): Promise<void>;
}

export interface VolumePlugins {
  /** In-tree (`kubernetes.io/...`) provisioner by name. */
  provisionable(name: string): Provisioner | undefined;
  deletableByName(name: string): DeletablePlugin | undefined;
  deletableBySpec(pv: PersistentVolume): DeletablePlugin | undefined;
  recyclableBySpec(pv: PersistentVolume): RecyclablePlugin | undefined;
}

export const noPlugins: VolumePlugins = {
  provisionable: () => undefined, deletableByName: () => undefined,
  deletableBySpec: () => undefined, recyclableBySpec: () => undefined,
};
