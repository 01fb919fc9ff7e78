// The one client interface every component (controllers, scheduler, node agent, CLI tools) uses to
// reach the API. Two implementations: client/inprocess.ts (calls the API server's handlers directly,
// used by `up`) and client/http.ts (HTTPS with a bearer token, used by `agent` and remote tools).
// Both go through the same admission, validation and storage code, so behaviour is identical.
import type { GVR } from '../api/gvr.js';
import type { KList, KObject, WatchEvent } from '../api/object.js';
import type { Status } from '../api/errors.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchOptions extends ListOptions {
  /** Watch from this resourceVersion ("" or "0": synthetic ADDED for current objects first). */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Write to a subresource (status, scale) instead of the main resource. */
  subresource?: string;
}

export type PatchType = 'strategic' | 'merge' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions { force?: boolean }

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchHandle {
  /** Stops the watch; `done` then resolves. */
  stop(): void;
  /** Resolves when the stream ends (stopped, timed out, or server closed it); rejects on a transport error. */
  done: Promise<void>;
}

export interface Client {
  get<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string): Promise<T>;
  list<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts?: ListOptions): Promise<KList<T>>;
  watch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle;
  create<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts?: WriteOptions): Promise<T>;
  update<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts?: WriteOptions): Promise<T>;
  patch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  /** Returns the object (when deletion is graceful or blocked by finalizers) or a Success Status. */
  delete(gvr: GVR, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KObject | Status>;
  /** POST to a subresource that creates something: pods/binding, pods/eviction. */
  createSubresource(gvr: GVR, namespace: string | undefined, name: string, subresource: string, body: KObject, opts?: WriteOptions): Promise<KObject | Status>;
}
