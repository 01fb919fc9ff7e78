// The generic object shapes every component passes around. Typed views of particular kinds come from
// kubernetes-models (e.g. `import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume'`).

export interface OwnerReference {
  apiVersion: string; kind: string; name: string; uid: string;
  controller?: boolean; blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string; operation?: 'Apply' | 'Update'; apiVersion?: string; time?: string;
  fieldsType?: 'FieldsV1'; fieldsV1?: Record<string, unknown>; subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ListMeta { resourceVersion?: string; continue?: string; remainingItemCount?: number }

export interface KList<T = KObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KObject> { type: WatchEventType; object: T }

/** "namespace/name" or "name" for cluster-scoped objects: the key controllers queue. */
export function objectKey(o: { metadata: ObjectMeta }): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);
}
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
