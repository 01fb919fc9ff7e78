// The default datastore: one SQLite file (DIR/state.db) through better-sqlite3, in WAL mode.
//
// Schema (see docs/datastore.md):
//   kv   — the current state, one row per live key. LIST is an ordered range over its primary-key index
//          (key >= prefix AND key < prefixEnd). A rowid table, not WITHOUT ROWID: objects are ~1 KiB, and
//          big rows in a clustered key b-tree make random-order inserts split pages (measured: ~40% slower).
//   log  — every write ever made after the compacted revision, keyed by revision; deletes point at the
//          version they removed (prev_rev), so delete events can carry the last value without copying it.
//   meta — the compacted revision.
// Writes are group-committed: the writes issued while the event loop is busy are queued and run, in call
// order, in ONE transaction when it next turns (setImmediate). Each keeps its own compare-and-swap check and
// its own revision, fails alone (KeyExists/KeyNotFound/RevisionMismatch leave the others untouched), and is
// acknowledged only after the commit. Reads see committed state (a write not yet acknowledged may or may not
// be visible to a concurrent read, as with any store). synchronous=NORMAL in WAL mode means a commit is in
// the WAL before it is acknowledged, so a *process* crash loses nothing acknowledged; only a power loss/OS
// crash can lose the last few commits (never corrupt the file).
//
// One server process owns the file: the revision counter lives in memory and watches are fed in-process
// right after each commit (no polling). A second writer would fail loudly on the log's primary key.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError,
  type Datastore, type KeyValue, type RangeOptions, type RangeResult, type Watch, type WatchEvent, type WatchOptions,
} from './types.js';
import { WatchHub } from './watch-hub.js';
import { prefixEnd } from './keys.js';
import { closedError, futureRevisionError } from './errors.js';
import { registerDatastore } from './registry.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_rev INTEGER NOT NULL,
  mod_rev INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
  rev INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('put', 'delete')),
  value TEXT,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The LIST at the latest revision: an ordered range over kv's primary-key index (exported for the plan test). */
export const RANGE_LATEST_SQL =
  'SELECT key, value, create_rev, mod_rev FROM kv WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?';

interface KvRow { key: string; value: string; create_rev: number; mod_rev: number }

/** A queued write (see group commit above); `done` settles its caller's promise after the commit. */
type QueuedWrite =
  | { op: 'create'; key: string; value: string; done: Settle<number> }
  | { op: 'update'; key: string; value: string; expected: number; done: Settle<number> }
  | { op: 'delete'; key: string; expected: number | undefined; done: Settle<{ revision: number; prev: KeyValue }> };
interface Settle<T> { resolve(v: T): void; reject(e: unknown): void }

/** What one queued write did inside the batch transaction. */
type Outcome = { ok: true; event: WatchEvent; result: unknown } | { ok: false; err: unknown };

/** WAL pages between automatic checkpoints (SQLite's default is 1000): fewer, larger checkpoints cost less per write. */
const WAL_AUTOCHECKPOINT_PAGES = 8192;

interface LogRow {
  rev: number; key: string; type: 'put' | 'delete'; value: string | null; create_rev: number; prev_rev: number;
  prev_value: string | null; prev_create_rev: number | null;
}

/** Upper bound used when a prefix has no finite end (the empty prefix): above any real key. */
const KEY_MAX = '\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}';

export interface SqliteDatastoreOptions {
  /** Path of the database file. */
  file: string;
}

export class SqliteDatastore implements Datastore {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private rev: number;
  private compacted: number;
  private closed = false;
  private readonly hub = new WatchHub();
  private readonly stmt;
  private readonly batchTx;
  private readonly compactTx;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;

  constructor(opts: SqliteDatastoreOptions) {
    this.db = new Database(opts.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    // Truncate the WAL back to this size after a checkpoint resets it (it is reused, not regrown, otherwise).
    this.db.pragma(`journal_size_limit = ${WAL_AUTOCHECKPOINT_PAGES * 4096 * 2}`);
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmt = {
      getKv: db.prepare<[string], KvRow>('SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?'),
      // A create is one statement that either inserts or reports the key exists (no SELECT first).
      insertKv: db.prepare<[string, string, number, number]>(
        'INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING'),
      updateKv: db.prepare<[string, number, string]>('UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?'),
      deleteKv: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
      insertLog: db.prepare<[number, string, string, string | null, number, number]>(
        'INSERT INTO log (rev, key, type, value, create_rev, prev_rev) VALUES (?, ?, ?, ?, ?, ?)'),
      rangeKv: db.prepare<[string, string, string, number], KvRow>(RANGE_LATEST_SQL),
      countKv: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM kv WHERE key >= ? AND key < ?'),
      // The newest version of each key at or below a revision; a tombstone means "absent".
      rangeAt: db.prepare<[string, string, string, number, number], KvRow & { type: string }>(`
        SELECT l.key, l.value, l.create_rev, l.rev AS mod_rev, l.type FROM log l
        WHERE l.key >= ? AND l.key < ? AND l.key > ?
          AND l.rev = (SELECT MAX(x.rev) FROM log x WHERE x.key = l.key AND x.rev <= ?)
          AND l.type = 'put'
        ORDER BY l.key LIMIT ?`),
      getAt: db.prepare<[string, number], KvRow & { type: string }>(
        'SELECT key, value, create_rev, rev AS mod_rev, type FROM log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1'),
      eventsAfter: db.prepare<[number, string, string], LogRow>(`
        SELECT l.rev, l.key, l.type, l.value, l.create_rev, l.prev_rev, p.value AS prev_value, p.create_rev AS prev_create_rev
        FROM log l LEFT JOIN log p ON p.rev = l.prev_rev AND l.prev_rev > 0
        WHERE l.rev > ? AND l.key >= ? AND l.key < ? ORDER BY l.rev`),
      maxRev: db.prepare<[], { rev: number | null }>('SELECT MAX(rev) AS rev FROM log'),
      getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
      setMeta: db.prepare<[string, number]>('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      // Upstream: go.etcd.io/etcd/server/mvcc, keyIndex.compact — keep each key's newest version at or below
      // the compacted revision (what a read at that revision needs) unless it is a tombstone.
      compactOld: db.prepare<[number, number]>(`
        DELETE FROM log WHERE rev <= ? AND EXISTS (
          SELECT 1 FROM log x WHERE x.key = log.key AND x.rev > log.rev AND x.rev <= ?)`),
      compactTombstones: db.prepare<[number]>(`DELETE FROM log WHERE rev <= ? AND type = 'delete'`),
    };
    this.compacted = this.stmt.getMeta.get('compacted')?.value ?? 0;
    // A tombstone at the compacted revision is removed by compaction, so the log alone may end below it.
    this.rev = Math.max(this.stmt.maxRev.get()?.rev ?? 0, this.compacted);

    // One batch of queued writes. A write whose check fails throws before it changes anything, so the
    // others in the batch go on; revisions are handed out to the writes that succeed, in order.
    this.batchTx = db.transaction((ops: QueuedWrite[]): Outcome[] => {
      let rev = this.rev;
      return ops.map((w): Outcome => {
        try {
          const event = this.apply(w, rev + 1);
          rev++;
          return { ok: true, event, result: w.op === 'delete' ? { revision: rev, prev: { ...event.prevKv! } } : rev };
        } catch (err) {
          if (err instanceof KeyExistsError || err instanceof KeyNotFoundError || err instanceof RevisionMismatchError) return { ok: false, err };
          throw err; // anything else aborts the batch (see flush)
        }
      });
    });
    this.compactTx = db.transaction((revision: number) => {
      this.stmt.compactOld.run(revision, revision);
      this.stmt.compactTombstones.run(revision);
      this.stmt.setMeta.run('compacted', revision);
    });
  }

  async currentRevision(): Promise<number> { this.assertOpen(); return this.rev; }

  create(key: string, value: string): Promise<number> {
    return new Promise((resolve, reject) => this.enqueue({ op: 'create', key, value, done: { resolve, reject } }));
  }

  update(key: string, value: string, expectedModRevision: number): Promise<number> {
    return new Promise((resolve, reject) => this.enqueue({ op: 'update', key, value, expected: expectedModRevision, done: { resolve, reject } }));
  }

  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    return new Promise((resolve, reject) => this.enqueue({ op: 'delete', key, expected: expectedModRevision, done: { resolve, reject } }));
  }

  private enqueue(w: QueuedWrite): void {
    if (this.closed) { w.done.reject(closedError()); return; }
    this.queue.push(w);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits every queued write in one transaction, then publishes their events and settles their callers. */
  private flush(): void {
    this.flushScheduled = false;
    const ops = this.queue;
    if (ops.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.batchTx.immediate(ops);
    } catch (err) {
      if (ops.length === 1) { ops[0]!.done.reject(err); return; }
      // An unexpected failure (I/O, a constraint) rolled the whole batch back: run each write alone so that
      // only the one that causes it fails.
      for (const w of ops) { this.queue.push(w); this.flush(); }
      return;
    }
    const events: WatchEvent[] = [];
    for (const o of outcomes) if (o.ok) events.push(o.event);
    if (events.length) this.rev = events[events.length - 1]!.kv.modRevision;
    this.hub.publish(events);
    outcomes.forEach((o, i) => {
      const d = ops[i]!.done as Settle<unknown>;
      if (o.ok) d.resolve(o.result); else d.reject(o.err);
    });
  }

  /** One write at revision `rev` inside the batch transaction; throws (changing nothing) when its check fails. */
  private apply(w: QueuedWrite, rev: number): WatchEvent {
    const { key } = w;
    if (w.op === 'create') {
      // One statement that either inserts or reports the key exists (no SELECT first).
      if (this.stmt.insertKv.run(key, w.value, rev, rev).changes === 0) throw new KeyExistsError(key);
      this.stmt.insertLog.run(rev, key, 'put', w.value, rev, 0);
      return { type: 'put', kv: { key, value: w.value, createRevision: rev, modRevision: rev } };
    }
    const prev = this.stmt.getKv.get(key);
    if (!prev) throw new KeyNotFoundError(key);
    if (w.expected !== undefined && prev.mod_rev !== w.expected) throw new RevisionMismatchError(key, w.expected, prev.mod_rev);
    const prevKv = toKv(prev);
    if (w.op === 'update') {
      this.stmt.updateKv.run(w.value, rev, key);
      this.stmt.insertLog.run(rev, key, 'put', w.value, prev.create_rev, prev.mod_rev);
      return { type: 'put', kv: { key, value: w.value, createRevision: prev.create_rev, modRevision: rev }, prevKv };
    }
    this.stmt.deleteKv.run(key);
    this.stmt.insertLog.run(rev, key, 'delete', null, prev.create_rev, prev.mod_rev);
    return { type: 'delete', kv: { ...prevKv, modRevision: rev }, prevKv };
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const at = this.readRevision(revision);
    if (at === this.rev) {
      const row = this.stmt.getKv.get(key);
      return row ? toKv(row) : undefined;
    }
    const row = this.stmt.getAt.get(key, at);
    return row && row.type === 'put' ? toKv(row) : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const at = this.readRevision(opts.revision);
    const end = prefixEnd(prefix) ?? KEY_MAX;
    // startAfter below the prefix is no bound at all; '' is below every key.
    const after = opts.startAfter ?? '';
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1; // SQLite: LIMIT -1 is unlimited
    // Ask for one extra row to learn whether the limit cut the result short.
    const fetch = limit > 0 ? limit + 1 : -1;
    const rows = at === this.rev
      ? this.stmt.rangeKv.all(prefix, end, after, fetch)
      : this.stmt.rangeAt.all(prefix, end, after, at, fetch);
    const more = limit > 0 && rows.length > limit;
    const kvs = (more ? rows.slice(0, limit) : rows).map(toKv);
    return { kvs, revision: at, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.stmt.countKv.get(prefix, prefixEnd(prefix) ?? KEY_MAX)?.n ?? 0;
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) return this.hub.failed(opts, closedError());
    if (opts.afterRevision < this.compacted) {
      return this.hub.failed(opts, new CompactedError(opts.afterRevision + 1, this.compacted));
    }
    // Reading the backlog and registering happen in one synchronous step: no commit can slip between them.
    const backlog = opts.afterRevision >= this.rev ? [] :
      this.stmt.eventsAfter.all(opts.afterRevision, prefix, prefixEnd(prefix) ?? KEY_MAX).map(toEvent);
    return this.hub.add(prefix, opts, backlog);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.rev) throw futureRevisionError();
    if (revision <= this.compacted) return;
    this.compactTx.immediate(revision);
    this.compacted = revision;
  }

  async compactedRevision(): Promise<number> { return this.compacted; }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(); // writes already accepted are committed (and acknowledged) before the file closes
    this.closed = true;
    this.hub.closeAll(closedError());
    this.db.close();
  }

  private readRevision(revision: number | undefined): number {
    if (!revision || revision <= 0) return this.rev;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.rev) throw futureRevisionError();
    return revision;
  }

  private assertOpen(): void { if (this.closed) throw closedError(); }
}

function toKv(row: KvRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.mod_rev };
}

function toEvent(row: LogRow): WatchEvent {
  const prevKv: KeyValue | undefined = row.prev_rev > 0 && row.prev_value !== null
    ? { key: row.key, value: row.prev_value, createRevision: row.prev_create_rev ?? row.create_rev, modRevision: row.prev_rev }
    : undefined;
  if (row.type === 'delete') {
    // A delete row stores no value: the event carries the value it removed, at the delete's revision.
    return { type: 'delete', kv: { key: row.key, value: prevKv?.value ?? '', createRevision: row.create_rev, modRevision: row.rev }, prevKv };
  }
  const kv: KeyValue = { key: row.key, value: row.value ?? '', createRevision: row.create_rev, modRevision: row.rev };
  return prevKv ? { type: 'put', kv, prevKv } : { type: 'put', kv };
}

/** Opens (creating if needed) DIR/state.db. */
export function openSqliteDatastore(dataDir: string, fileName = 'state.db'): SqliteDatastore {
  mkdirSync(dataDir, { recursive: true });
  return new SqliteDatastore({ file: join(dataDir, fileName) });
}

// `sqlite` uses opts.dataDir; `sqlite:///abs/dir` names another directory.
registerDatastore('sqlite', async (url, opts) => openSqliteDatastore(url.pathname && url.pathname !== '/' ? decodeURIComponent(url.pathname) : opts.dataDir));
