// The datastore contract, modelled on etcd v3 (as kine does for k3s): one global revision, single-key
// compare-and-swap on mod revision, ranges and watches at a revision, compaction.
// Every backend (memory for unit tests, SQLite by default, etcd for HA) implements exactly this and
// passes the same contract suite (datastore/contract.ts).

/** One stored key. Values are JSON text; the datastore never parses them. */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which this key was created (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. This is the object's resourceVersion. */
  modRevision: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For 'put', the new value; for 'delete', the last value with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event (undefined for a create). */
  prevKv?: KeyValue;
}

export interface RangeOptions {
  /** Read at this revision (0/undefined = latest). Fails with CompactedError when compacted. */
  revision?: number;
  /** Maximum number of keys to return (0/undefined = all). */
  limit?: number;
  /** Only keys strictly greater than this one (for paging with continue tokens). */
  startAfter?: string;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The revision the read was served at. */
  revision: number;
  /** True when limit cut the result short. */
  more: boolean;
}

export interface Watch {
  cancel(): void;
}

export interface WatchOptions {
  /** Deliver every event with revision > afterRevision, in revision order, then live events. */
  afterRevision: number;
  onEvents(events: WatchEvent[]): void;
  /** Called once when the watch can not continue (for example CompactedError); no events follow. */
  onError(err: Error): void;
}

export interface Datastore {
  readonly name: string;
  /** The current global revision (the revision of the last write, 0 when empty). */
  currentRevision(): Promise<number>;
  /** Creates key; throws KeyExistsError if it exists. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /** Replaces key if its modRevision equals expectedModRevision; throws KeyNotFoundError / RevisionMismatchError. */
  update(key: string, value: string, expectedModRevision: number): Promise<number>;
  /** Deletes key (if expectedModRevision is given, only at that revision). Returns the revision and the deleted kv. */
  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }>;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Keys starting with prefix, in key order. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Counts keys under prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  watch(prefix: string, opts: WatchOptions): Watch;
  /** Forgets history at or below revision; reads and watches from there on fail with CompactedError. */
  compact(revision: number): Promise<void>;
  /** The highest revision compacted so far (0 if none). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) { super(`key exists: ${key}`); this.name = 'KeyExistsError'; }
}
export class KeyNotFoundError extends Error {
  constructor(readonly key: string) { super(`key not found: ${key}`); this.name = 'KeyNotFoundError'; }
}
export class RevisionMismatchError extends Error {
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`revision mismatch for ${key}: expected ${expected}, have ${actual}`);
    this.name = 'RevisionMismatchError';
  }
}
export class CompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`mvcc: required revision has been compacted (requested ${requested}, compacted ${compacted})`);
    this.name = 'CompactedError';
  }
}

/** Backends register themselves by URL scheme from their own module (datastore/registry.ts). */
export type DatastoreFactory = (url: URL, opts: { dataDir: string }) => Promise<Datastore>;
