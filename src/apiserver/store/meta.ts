// System-populated object metadata. Upstream: k8s.io/apiserver/pkg/registry/rest (create.go, update.go),
// k8s.io/apiserver/pkg/storage/names (generate.go).
import { randomInt, randomUUID } from 'node:crypto';
import type { KObject } from '../../api/object.js';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 58; // 63 - 5 random characters

/** Upstream names.SimpleNameGenerator: base (truncated) + 5 random characters. */
export function generateName(base: string): string {
  if (base.length > MAX_GENERATED_NAME_LENGTH) base = base.slice(0, MAX_GENERATED_NAME_LENGTH);
  let s = base;
  for (let i = 0; i < 5; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return s;
}

/** RFC 3339 with seconds precision, as metav1.Time serializes. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Upstream FillObjectMetaSystemFields + the parts of BeforeCreate that touch metadata. */
export function fillCreateMeta(obj: KObject, now: Date): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  m.generation = 1;
}

/** Carries the fields users may not change on update from the stored object. Upstream: rest.BeforeUpdate. */
export function keepUpdateMeta(obj: KObject, old: KObject): void {
  const m = obj.metadata, o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.generation = o.generation;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp; else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds; else delete m.deletionGracePeriodSeconds;
  if (m.generateName === undefined && o.generateName !== undefined) m.generateName = o.generateName;
}

/** Deletes empty optional metadata the way Go's omitempty would not serialize them. */
export function tidyMeta(obj: KObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
    const v = m[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) delete m[k];
  }
  for (const k of Object.keys(m)) if (m[k] === null) delete m[k];
}
