// Typed views of the storage objects the storage controllers read and write. Only the fields they use;
// everything else passes through untouched because objects are copied, never rebuilt.
import type { KObject } from '../../api/object.js';

export interface ObjectReference {
  kind?: string; apiVersion?: string; namespace?: string; name?: string; uid?: string;
  resourceVersion?: string; fieldPath?: string;
}
export interface NodeSelectorRequirement { key: string; operator: string; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PersistentVolume extends KObject {
  spec: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ObjectReference | null;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    mountOptions?: string[];
    volumeAttributesClassName?: string | null;
    nodeAffinity?: { required?: { nodeSelectorTerms: NodeSelectorTerm[] } };
    hostPath?: { path: string; type?: string };
    local?: { path: string; fsType?: string };
    nfs?: { server: string; path: string };
    [field: string]: unknown;
  };
  status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaim extends KObject {
  spec: {
    accessModes?: string[];
    selector?: LabelSelectorSpec | null;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    volumeName?: string;
    storageClassName?: string | null;
    volumeMode?: string;
    volumeAttributesClassName?: string | null;
    [field: string]: unknown;
  };
  status?: {
    phase?: string; accessModes?: string[]; capacity?: Record<string, string>;
    conditions?: unknown[]; [field: string]: unknown;
  };
}

export interface StorageClass extends KObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  ephemeral?: unknown;
  hostPath?: { path: string; type?: string };
  [field: string]: unknown;
}
export interface Pod extends KObject {
  spec: {
    nodeName?: string;
    volumes?: PodVolume[];
    containers: Record<string, unknown>[];
    [field: string]: unknown;
  };
  status?: {
    phase?: string; message?: string; reason?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { name: string; state?: Record<string, { reason?: string; message?: string; exitCode?: number } | undefined> }[];
  };
}

export interface Node extends KObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export const PV_PHASE = { Pending: 'Pending', Available: 'Available', Bound: 'Bound', Released: 'Released', Failed: 'Failed' } as const;
export const CLAIM_PHASE = { Pending: 'Pending', Bound: 'Bound', Lost: 'Lost' } as const;
