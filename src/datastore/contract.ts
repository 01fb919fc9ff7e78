// The one contract every datastore backend passes (memory.test.ts, sqlite.test.ts, etcd.e2e.test.ts).
// Tests use their own key prefix and revisions relative to the store's current revision, so they also run
// against a shared etcd whose revision does not start at 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactedError, KeyExistsError, KeyNotFoundError, RevisionMismatchError,
  type Datastore, type WatchEvent,
} from './types.js';

export interface ContractStore {
  ds: Datastore;
  /** Closes ds and opens the same store again (persistent backends only). */
  reopen?: () => Promise<Datastore>;
  /** Releases everything (closes the current datastore, removes temp files). */
  dispose(): Promise<void>;
}

export type ContractFactory = () => Promise<ContractStore>;

let prefixCounter = 0;
function uniquePrefix(): string {
  return `/contract-${process.pid}-${Date.now().toString(36)}-${++prefixCounter}/`;
}

/** Collects watch events and lets a test wait for a number of them. */
class Recorder {
  events: WatchEvent[] = [];
  error: Error | undefined;
  private waiters: Array<() => void> = [];
  onEvents = (evs: WatchEvent[]): void => { this.events.push(...evs); this.wake(); };
  onError = (err: Error): void => { this.error = err; this.wake(); };
  async waitFor(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.events)} error=${this.error}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }
  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
}

/** A short pause during which no further events may arrive. */
const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

function summary(e: WatchEvent): string {
  return `${e.type} ${e.kv.key}=${e.kv.value}@${e.kv.modRevision}` + (e.prevKv ? ` prev=${e.prevKv.value}@${e.prevKv.modRevision}` : '');
}

export function runDatastoreContract(name: string, factory: ContractFactory): void {
  const withStore = (title: string, fn: (s: ContractStore, p: string) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const store = await factory();
      try {
        await fn(store, uniquePrefix());
      } finally {
        await store.dispose();
      }
    });
  };

  withStore('revisions strictly increase across all keys', async ({ ds }, p) => {
    const start = await ds.currentRevision();
    const r1 = await ds.create(p + 'a', '1');
    const r2 = await ds.create(p + 'b', '1');
    const r3 = await ds.update(p + 'a', '2', r1);
    const { revision: r4, prev } = await ds.delete(p + 'b');
    assert.ok(start < r1 && r1 < r2 && r2 < r3 && r3 < r4, `revisions ${[start, r1, r2, r3, r4]}`);
    assert.equal(await ds.currentRevision(), r4);
    assert.deepEqual(await ds.get(p + 'a'), { key: p + 'a', value: '2', createRevision: r1, modRevision: r3 });
    assert.deepEqual(prev, { key: p + 'b', value: '1', createRevision: r2, modRevision: r2 });
    assert.equal(await ds.get(p + 'b'), undefined);
    // Re-creating a deleted key starts a new generation: createRevision is the new create.
    const r5 = await ds.create(p + 'b', 'again');
    assert.deepEqual(await ds.get(p + 'b'), { key: p + 'b', value: 'again', createRevision: r5, modRevision: r5 });
  });

  withStore('create on an existing key fails with KeyExistsError and changes nothing', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'a', 'first');
    await assert.rejects(ds.create(p + 'a', 'second'), (err: unknown) => {
      assert.ok(err instanceof KeyExistsError, String(err));
      assert.equal(err.key, p + 'a');
      return true;
    });
    assert.equal(await ds.currentRevision(), r1);
    assert.equal((await ds.get(p + 'a'))?.value, 'first');
  });

  withStore('stale update/delete fail with RevisionMismatchError and change nothing', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'a', 'v1');
    const r2 = await ds.update(p + 'a', 'v2', r1);
    await assert.rejects(ds.update(p + 'a', 'v3', r1), (err: unknown) => {
      assert.ok(err instanceof RevisionMismatchError, String(err));
      assert.equal(err.key, p + 'a');
      assert.equal(err.expected, r1);
      assert.equal(err.actual, r2);
      return true;
    });
    await assert.rejects(ds.delete(p + 'a', r1), (err: unknown) => {
      assert.ok(err instanceof RevisionMismatchError, String(err));
      assert.equal(err.actual, r2);
      return true;
    });
    assert.equal(await ds.currentRevision(), r2);
    assert.deepEqual(await ds.get(p + 'a'), { key: p + 'a', value: 'v2', createRevision: r1, modRevision: r2 });

    await assert.rejects(ds.update(p + 'missing', 'x', 1), KeyNotFoundError);
    await assert.rejects(ds.delete(p + 'missing'), KeyNotFoundError);
    await assert.rejects(ds.delete(p + 'missing', 1), KeyNotFoundError);
    assert.equal(await ds.currentRevision(), r2);

    const { revision, prev } = await ds.delete(p + 'a', r2);
    assert.ok(revision > r2);
    assert.deepEqual(prev, { key: p + 'a', value: 'v2', createRevision: r1, modRevision: r2 });
  });

  withStore('get and range at a past revision', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'a', 'a1');
    const r2 = await ds.update(p + 'a', 'a2', r1);
    const r3 = await ds.create(p + 'b', 'b1');
    const { revision: r4 } = await ds.delete(p + 'a');
    assert.equal((await ds.get(p + 'a', r1))?.value, 'a1');
    assert.deepEqual(await ds.get(p + 'a', r2), { key: p + 'a', value: 'a2', createRevision: r1, modRevision: r2 });
    assert.equal(await ds.get(p + 'a', r4), undefined);
    assert.equal(await ds.get(p + 'b', r2), undefined);

    const at1 = await ds.range(p, { revision: r1 });
    assert.deepEqual(at1.kvs.map((kv) => [kv.key, kv.value]), [[p + 'a', 'a1']]);
    assert.equal(at1.revision, r1);
    const at3 = await ds.range(p, { revision: r3 });
    assert.deepEqual(at3.kvs.map((kv) => [kv.key, kv.value, kv.modRevision]), [[p + 'a', 'a2', r2], [p + 'b', 'b1', r3]]);
    const latest = await ds.range(p);
    assert.deepEqual(latest.kvs.map((kv) => kv.key), [p + 'b']);
    assert.equal(latest.revision, r4);
    // Paging at a past revision sees the same snapshot.
    const page = await ds.range(p, { revision: r3, limit: 1, startAfter: p + 'a' });
    assert.deepEqual(page.kvs.map((kv) => kv.value), ['b1']);
    assert.equal(page.more, false);
  });

  withStore('a prefix range does not match sibling prefixes', async ({ ds }, p) => {
    await ds.create(p + 'registry/podsx/default/y', 'sibling');
    await ds.create(p + 'registry/pods/default/x', 'pod');
    await ds.create(p + 'registry/pods', 'exact-without-slash');
    await ds.create(p + 'registry/pod/default/z', 'shorter');
    const pods = await ds.range(p + 'registry/pods/');
    assert.deepEqual(pods.kvs.map((kv) => kv.key), [p + 'registry/pods/default/x']);
    assert.equal(await ds.count(p + 'registry/pods/'), 1);
    assert.equal(await ds.count(p + 'registry/'), 4);
  });

  withStore('limit and startAfter page through keys in key order, with more', async ({ ds }, p) => {
    for (const n of ['c', 'e', 'a', 'd', 'b']) await ds.create(p + n, n.toUpperCase());
    await ds.create(p.slice(0, -1) + '0', 'outside'); // sorts right after the prefix range
    const first = await ds.range(p, { limit: 2 });
    assert.deepEqual(first.kvs.map((kv) => kv.value), ['A', 'B']);
    assert.equal(first.more, true);
    const second = await ds.range(p, { limit: 2, startAfter: first.kvs[1]!.key });
    assert.deepEqual(second.kvs.map((kv) => kv.value), ['C', 'D']);
    assert.equal(second.more, true);
    const third = await ds.range(p, { limit: 2, startAfter: second.kvs[1]!.key });
    assert.deepEqual(third.kvs.map((kv) => kv.value), ['E']);
    assert.equal(third.more, false);
    const exact = await ds.range(p, { limit: 5 });
    assert.equal(exact.kvs.length, 5);
    assert.equal(exact.more, false);
    const all = await ds.range(p);
    assert.deepEqual(all.kvs.map((kv) => kv.value), ['A', 'B', 'C', 'D', 'E']);
    assert.equal(all.more, false);
  });

  withStore('count counts live keys under a prefix', async ({ ds }, p) => {
    assert.equal(await ds.count(p), 0);
    for (let i = 0; i < 7; i++) await ds.create(`${p}k${i}`, 'v');
    await ds.create(p.slice(0, -1) + 'x/other', 'v');
    await ds.delete(p + 'k3');
    assert.equal(await ds.count(p), 6);
  });

  withStore('watch from a revision replays exactly the later events in order, then live ones', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'a', 'a1');
    const r2 = await ds.update(p + 'a', 'a2', r1);
    const r3 = await ds.create(p + 'b', 'b1');
    const { revision: r4 } = await ds.delete(p + 'a');
    const rec = new Recorder();
    const w = ds.watch(p, { afterRevision: r2, onEvents: rec.onEvents, onError: rec.onError });
    try {
      // Written before the watch has had a chance to deliver anything: must appear once, after the replay.
      const r5 = await ds.update(p + 'b', 'b2', r3);
      await rec.waitFor(() => rec.events.length >= 3, '3 events');
      const r6 = await ds.create(p + 'c', 'c1');
      await rec.waitFor(() => rec.events.length >= 4, '4 events');
      await settle();
      assert.equal(rec.error, undefined);
      assert.deepEqual(rec.events.map(summary), [
        `put ${p}b=b1@${r3}`,
        `delete ${p}a=a2@${r4} prev=a2@${r2}`,
        `put ${p}b=b2@${r5} prev=b1@${r3}`,
        `put ${p}c=c1@${r6}`,
      ]);
      assert.equal(rec.events[1]!.kv.createRevision, r1);
      assert.equal(rec.events[1]!.prevKv?.createRevision, r1);
      assert.equal(rec.events[3]!.prevKv, undefined);
    } finally {
      w.cancel();
    }
    // A cancelled watch receives nothing more.
    const before = rec.events.length;
    await ds.create(p + 'd', 'd1');
    await settle();
    assert.equal(rec.events.length, before);
  });

  withStore('a watch from the current revision sees only new events', async ({ ds }, p) => {
    await ds.create(p + 'old', 'x');
    const rec = new Recorder();
    const w = ds.watch(p, { afterRevision: await ds.currentRevision(), onEvents: rec.onEvents, onError: rec.onError });
    try {
      const r = await ds.create(p + 'new', 'y');
      await rec.waitFor(() => rec.events.length >= 1, '1 event');
      await settle();
      assert.deepEqual(rec.events.map(summary), [`put ${p}new=y@${r}`]);
    } finally { w.cancel(); }
  });

  withStore('a prefix watch does not see other prefixes', async ({ ds }, p) => {
    const rec = new Recorder();
    const w = ds.watch(p + 'registry/pods/', { afterRevision: await ds.currentRevision(), onEvents: rec.onEvents, onError: rec.onError });
    try {
      await ds.create(p + 'registry/podsx/default/y', 'sibling');
      await ds.create(p + 'registry/pod', 'shorter');
      const r = await ds.create(p + 'registry/pods/default/x', 'mine');
      await ds.create(p + 'registry/services/default/x', 'other');
      await rec.waitFor(() => rec.events.length >= 1, '1 event');
      await settle();
      assert.deepEqual(rec.events.map(summary), [`put ${p}registry/pods/default/x=mine@${r}`]);
    } finally { w.cancel(); }
  });

  withStore('compaction: reads and watches below the compacted revision fail with CompactedError', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'a', 'a1');
    const r2 = await ds.update(p + 'a', 'a2', r1);
    const r3 = await ds.create(p + 'gone', 'g');
    await ds.delete(p + 'gone');
    const r5 = await ds.update(p + 'a', 'a3', r2);
    const r6 = await ds.create(p + 'b', 'b1');
    await ds.compact(r5);
    assert.ok((await ds.compactedRevision()) >= r5);

    await assert.rejects(ds.range(p, { revision: r3 }), (err: unknown) => {
      assert.ok(err instanceof CompactedError, String(err));
      assert.equal(err.requested, r3);
      assert.equal(err.compacted, r5);
      assert.match(err.message, /^mvcc: required revision has been compacted/);
      return true;
    });
    await assert.rejects(ds.get(p + 'a', r1), CompactedError);
    // The state at the compacted revision itself is still readable.
    const at5 = await ds.range(p, { revision: r5 });
    assert.deepEqual(at5.kvs.map((kv) => [kv.key, kv.value, kv.createRevision, kv.modRevision]), [[p + 'a', 'a3', r1, r5]]);
    assert.deepEqual((await ds.range(p)).kvs.map((kv) => kv.value), ['a3', 'b1']);

    const old = new Recorder();
    const w1 = ds.watch(p, { afterRevision: r3, onEvents: old.onEvents, onError: old.onError });
    await old.waitFor(() => old.error !== undefined, 'a CompactedError');
    assert.ok(old.error instanceof CompactedError, String(old.error));
    assert.deepEqual(old.events, []);
    w1.cancel();

    const recent = new Recorder();
    const w2 = ds.watch(p, { afterRevision: r5, onEvents: recent.onEvents, onError: recent.onError });
    try {
      await recent.waitFor(() => recent.events.length >= 1, '1 event');
      await settle();
      assert.equal(recent.error, undefined);
      assert.deepEqual(recent.events.map(summary), [`put ${p}b=b1@${r6}`]);
    } finally { w2.cancel(); }

    // Compacting again at or below the compacted revision is a no-op; the future is refused.
    await ds.compact(r2);
    assert.ok((await ds.compactedRevision()) >= r5);
    await assert.rejects(ds.compact((await ds.currentRevision()) + 1000), /future revision/);
  });

  withStore('concurrent creates of one key: exactly one wins', async ({ ds }, p) => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => ds.create(p + 'race', `w${i}`)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 9);
    for (const l of lost) assert.ok(l.reason instanceof KeyExistsError, String(l.reason));
    const kv = await ds.get(p + 'race');
    assert.equal(kv?.modRevision, (won[0] as PromiseFulfilledResult<number>).value);
  });

  withStore('concurrent updates from one revision: exactly one wins', async ({ ds }, p) => {
    const r1 = await ds.create(p + 'cas', 'v0');
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => ds.update(p + 'cas', `v${i + 1}`, r1)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RevisionMismatchError, String(r.reason));
  });

  withStore('close and reopen keeps data and the revision (persistent backends)', async (store, p) => {
    if (!store.reopen) return; // memory keeps nothing by design
    const ds = store.ds;
    const r1 = await ds.create(p + 'a', 'a1');
    const r2 = await ds.update(p + 'a', 'a2', r1);
    await ds.create(p + 'b', 'b1');
    const { revision: r4 } = await ds.delete(p + 'b');
    await ds.compact(r1);
    // etcd records the compaction in a key of its own (one more revision); the others add none.
    const rBefore = await ds.currentRevision();
    assert.ok(rBefore === r4 || (ds.name === 'etcd' && rBefore === r4 + 1), `revision after compaction ${rBefore}`);
    const again = await store.reopen();
    assert.equal(await again.currentRevision(), rBefore);
    assert.ok((await again.compactedRevision()) >= r1);
    assert.deepEqual(await again.get(p + 'a'), { key: p + 'a', value: 'a2', createRevision: r1, modRevision: r2 });
    assert.equal((await again.get(p + 'a', r1))?.value, 'a1');
    assert.equal(await again.get(p + 'b'), undefined);
    const r5 = await again.create(p + 'c', 'c1');
    assert.equal(r5, rBefore + 1);
    // History survives too: a watch from before the reopen replays it.
    const rec = new Recorder();
    const w = again.watch(p, { afterRevision: r2, onEvents: rec.onEvents, onError: rec.onError });
    try {
      await rec.waitFor(() => rec.events.length >= 3, '3 events');
      assert.deepEqual(rec.events.map((e) => `${e.type} ${e.kv.key.slice(p.length)}@${e.kv.modRevision}`), [
        `put b@${r2 + 1}`, `delete b@${r4}`, `put c@${r5}`,
      ]);
    } finally { w.cancel(); }
  });
}
