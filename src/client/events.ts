// Records core/v1 Events about objects, as client-go's EventRecorder + EventCorrelator: a repeat of the same
// (object, type, reason, message, source) within the aggregation window bumps count and lastTimestamp on the
// existing Event instead of creating a new one. Failures to record are logged, never thrown: events are
// best-effort in upstream too. Upstream: k8s.io/client-go/tools/record (event.go, events_cache.go)
import { randomBytes } from 'node:crypto';
import { R, apiVersionOf, type GVR } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import type { Client } from './types.js';

export interface EventSource { component: string; host?: string }
export type EventType = 'Normal' | 'Warning';

export interface InvolvedObject {
  kind: string; apiVersion: string; name: string; namespace?: string; uid?: string;
  resourceVersion?: string; fieldPath?: string;
}

/** The involvedObject reference for obj (kind/apiVersion taken from gvr when the object lacks them). */
export function objectReference(obj: KObject, kind?: string, gvr?: GVR, fieldPath?: string): InvolvedObject {
  const ref: InvolvedObject = {
    kind: obj.kind ?? kind ?? '',
    apiVersion: obj.apiVersion ?? (gvr ? apiVersionOf(gvr) : 'v1'),
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
  };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

interface Cached { name: string; namespace: string; count: number; firstTimestamp: string }

export class EventRecorder {
  private cache = new Map<string, Cached>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly source: EventSource,
    private readonly now: () => Date = () => new Date(),
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Records an event about obj; returns once written (callers normally do not await it). */
  event(obj: KObject | InvolvedObject, type: EventType, reason: string, message: string, kind?: string): Promise<void> {
    const ref = 'metadata' in obj ? objectReference(obj as KObject, kind) : (obj as InvolvedObject);
    const p = this.chain.then(() => this.write(ref, type, reason, message)).catch(this.onError);
    this.chain = p;
    return p;
  }

  private async write(ref: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const ns = ref.namespace || 'default';
    const key = [ref.kind, ns, ref.name, ref.uid, ref.fieldPath ?? '', type, reason, message, this.source.component].join('\u0000');
    const ts = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    const cached = this.cache.get(key);
    if (cached) {
      cached.count++;
      try {
        await this.client.patch(R.events, cached.namespace, cached.name, 'merge', { count: cached.count, lastTimestamp: ts });
        return;
      } catch { this.cache.delete(key); }
    }
    // Upstream names events <object name>.<hex timestamp>.
    const name = `${ref.name}.${(Date.now() * 1e6 + Number.parseInt(randomBytes(2).toString('hex'), 16)).toString(16)}`;
    const ev: KObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: ref,
      reason, message, type,
      source: this.source,
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
      reportingComponent: this.source.component, reportingInstance: this.source.host ?? '',
    };
    await this.client.create(R.events, ns, ev);
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(key, { name, namespace: ns, count: 1, firstTimestamp: ts });
  }
}
