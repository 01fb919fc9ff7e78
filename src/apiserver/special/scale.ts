// */scale: the autoscaling/v1 Scale view of deployments, replicasets and statefulsets.
// Upstream: pkg/registry/apps/deployment/storage/storage.go ScaleREST (and the replicaset/statefulset ones).
import { badRequest, conflict, OBJECT_MODIFIED } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';

interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Scalable { spec?: { replicas?: number; selector?: LabelSelector }; status?: { replicas?: number } }

export const SCALABLE = new Set(['apps/deployments', 'apps/replicasets', 'apps/statefulsets']);

/** metav1.LabelSelector → its string form (metav1.FormatLabelSelector). */
export function formatSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels![k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function toScale(obj: KObject): KObject {
  const o = obj as unknown as Scalable;
  const m = obj.metadata;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: formatSelector(o.spec?.selector) },
  };
}

/** Applies a Scale to the object; a resourceVersion in the Scale is a precondition (409 when stale). */
export function applyScale(obj: KObject, scale: KObject, resource: string, group: string): KObject {
  if (scale.metadata?.name && scale.metadata.name !== obj.metadata.name) throw badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${obj.metadata.name})`);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== obj.metadata.resourceVersion) throw conflict(group, resource, obj.metadata.name!, OBJECT_MODIFIED);
  const replicas = (scale as { spec?: { replicas?: number } }).spec?.replicas;
  ((obj as Scalable).spec ??= {}).replicas = replicas ?? 0;
  return obj;
}

