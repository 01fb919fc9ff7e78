// The fields of core objects the scheduler and workload controllers read, as loose structural types over
// KObject (the API server owns the full schemas). Shared by src/scheduler and src/controllers/*.
import type { KObject } from '../api/object.js';
import type { LabelSelector, NodeSelector, NodeSelectorTerm } from './labels.js';

export type ResourceList = Record<string, string | number>;
export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string; tolerationSeconds?: number }
export interface Taint { key: string; value?: string; effect: string; timeAdded?: string }
export interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: string | null; lastHeartbeatTime?: string; lastUpdateTime?: string }

export interface Container {
  name: string; image?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  ports?: Array<{ containerPort: number; hostPort?: number; protocol?: string; hostIP?: string; name?: string }>;
  [k: string]: unknown;
}
export interface Volume { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean }; ephemeral?: unknown; [k: string]: unknown }
export interface Affinity { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector; preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; preference: NodeSelectorTerm }> } }
export interface PodSpec {
  nodeName?: string; schedulerName?: string; nodeSelector?: Record<string, string>; affinity?: Affinity;
  tolerations?: Toleration[]; containers: Container[]; initContainers?: Container[]; volumes?: Volume[];
  overhead?: ResourceList; hostname?: string; subdomain?: string; priority?: number; restartPolicy?: string;
  [k: string]: unknown;
}
export interface Pod extends KObject {
  spec: PodSpec;
  status?: { phase?: string; conditions?: Condition[]; podIP?: string; podIPs?: Array<{ ip: string }>; hostIP?: string; reason?: string; message?: string; nominatedNodeName?: string; [k: string]: unknown };
}
export interface Node extends KObject {
  spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string };
  status?: { capacity?: ResourceList; allocatable?: ResourceList; conditions?: Condition[]; addresses?: Array<{ type: string; address: string }>; [k: string]: unknown };
}
export interface ObjectReference { kind?: string; apiVersion?: string; name?: string; namespace?: string; uid?: string; resourceVersion?: string }
export interface PersistentVolume extends KObject {
  spec: {
    capacity?: ResourceList; accessModes?: string[]; claimRef?: ObjectReference | null; storageClassName?: string;
    volumeMode?: string; nodeAffinity?: { required?: NodeSelector }; persistentVolumeReclaimPolicy?: string;
    volumeAttributesClassName?: string; [k: string]: unknown;
  };
  status?: { phase?: string; message?: string };
}
export interface PersistentVolumeClaim extends KObject {
  spec: {
    accessModes?: string[]; resources?: { requests?: ResourceList }; storageClassName?: string | null; volumeName?: string;
    volumeMode?: string; selector?: LabelSelector; volumeAttributesClassName?: string; [k: string]: unknown;
  };
  status?: { phase?: string; capacity?: ResourceList; accessModes?: string[] };
}
export interface StorageClass extends KObject {
  provisioner: string; volumeBindingMode?: string; reclaimPolicy?: string;
  allowedTopologies?: Array<{ matchLabelExpressions?: Array<{ key: string; values: string[] }> }>;
  parameters?: Record<string, string>;
}

export const podKey = (p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`;
export function getCondition(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}
export function isPodReady(p: Pod): boolean {
  return getCondition(p.status?.conditions, 'Ready')?.status === 'True';
}
export function isPodTerminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}
/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(d: Date): string { return d.toISOString().replace(/\.\d+Z$/, 'Z'); }
