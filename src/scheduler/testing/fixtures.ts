// Object builders for scheduler and controller tests.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Taint } from '../../util/types.js';

export function node(name: string, o: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; cpu?: string; memory?: string; pods?: string } = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}
export function pod(name: string, o: { claims?: string[]; cpu?: string; memory?: string; nodeSelector?: Record<string, string>; hostPort?: number; nodeName?: string; labels?: Record<string, string>; tolerations?: Pod['spec']['tolerations'] } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels },
    spec: {
      schedulerName: 'default-scheduler',
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) } }, ...(o.hostPort ? { ports: [{ containerPort: 80, hostPort: o.hostPort }] } : {}) }],
      volumes: (o.claims ?? []).map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
    status: { phase: 'Pending' },
  };
}
export function localPV(name: string, nodeName: string, o: { size?: string; cls?: string; claim?: { name: string; uid?: string }; phase?: string } = {}): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: {
      capacity: { storage: o.size ?? '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: o.cls ?? 'local-storage',
      persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', local: { path: '/mnt/disk' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } },
      ...(o.claim ? { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: o.claim.name, uid: o.claim.uid } } : {}),
    },
    status: { phase: o.phase ?? 'Available' },
  };
}
export function pvc(name: string, o: { cls?: string; size?: string; volumeName?: string; bound?: boolean; modes?: string[] } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', ...(o.bound ? { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } } : {}) },
    spec: { accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } }, storageClassName: o.cls ?? 'local-storage', volumeMode: 'Filesystem', ...(o.volumeName ? { volumeName: o.volumeName } : {}) },
    status: { phase: o.bound ? 'Bound' : 'Pending' },
  };
}
export function storageClass(name: string, o: { provisioner?: string; mode?: string; zones?: string[] } = {}): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name },
    provisioner: o.provisioner ?? 'kubernetes.io/no-provisioner', volumeBindingMode: o.mode ?? 'WaitForFirstConsumer', reclaimPolicy: 'Delete',
    ...(o.zones ? { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: o.zones }] }] } : {}),
  };
}
export const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
export const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Polls until fn returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 2000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
