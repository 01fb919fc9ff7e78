// Group commit in the SQLite datastore: writes issued in the same tick share one transaction, yet each keeps
// its own compare-and-swap check, revision, error and watch event, in call order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatastore, type SqliteDatastore } from './sqlite.js';
import { KeyExistsError, RevisionMismatchError, type WatchEvent } from './types.js';

async function withStore(fn: (ds: SqliteDatastore, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-sqlite-gc-'));
  const ds = openSqliteDatastore(dir);
  try { await fn(ds, dir); } finally { await ds.close(); rmSync(dir, { recursive: true, force: true }); }
}

const settled = (ps: Promise<unknown>[]) => Promise.allSettled(ps);

test('sqlite group commit: same-tick writes get consecutive revisions in call order; a failed check fails alone', async () => {
  await withStore(async (ds) => {
    const base = await ds.create('/g/seed', 's');
    const events: WatchEvent[] = [];
    const w = ds.watch('/g/', { afterRevision: base, onEvents: (e) => events.push(...e), onError: (e) => assert.fail(e) });
    // Issued without awaiting: one batch. The update depends on the create before it in the same batch.
    const res = await settled([
      ds.create('/g/a', 'a1'),
      ds.update('/g/a', 'a2', base + 1),
      ds.update('/g/seed', 'nope', base - 1), // stale: RevisionMismatch, nothing written
      ds.create('/g/seed', 'dup'), // exists: KeyExists, nothing written
      ds.create('/g/b', 'b1'),
      ds.delete('/g/a', base + 2),
    ]);
    assert.deepEqual(res.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    assert.equal((res[0] as PromiseFulfilledResult<number>).value, base + 1);
    assert.equal((res[1] as PromiseFulfilledResult<number>).value, base + 2);
    assert.ok((res[2] as PromiseRejectedResult).reason instanceof RevisionMismatchError);
    assert.ok((res[3] as PromiseRejectedResult).reason instanceof KeyExistsError);
    assert.equal((res[4] as PromiseFulfilledResult<number>).value, base + 3);
    const del = (res[5] as PromiseFulfilledResult<{ revision: number; prev: { value: string; modRevision: number } }>).value;
    assert.equal(del.revision, base + 4);
    assert.deepEqual([del.prev.value, del.prev.modRevision], ['a2', base + 2]);
    assert.equal(await ds.currentRevision(), base + 4);
    assert.equal((await ds.get('/g/seed'))?.value, 's');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events.map((e) => `${e.type} ${e.kv.key}=${e.kv.value}@${e.kv.modRevision}${e.prevKv ? ` prev@${e.prevKv.modRevision}` : ''}`), [
      `put /g/a=a1@${base + 1}`, `put /g/a=a2@${base + 2} prev@${base + 1}`, `put /g/b=b1@${base + 3}`, `delete /g/a=a2@${base + 4} prev@${base + 2}`,
    ]);
    w.cancel();
  });
});

test('sqlite group commit: an unexpected SQLite error fails only the write that caused it', async () => {
  await withStore(async (ds) => {
    const res = await settled([
      ds.create('/g/x', 'x'),
      ds.create('/g/bad', null as unknown as string), // NOT NULL constraint: aborts the batch transaction
      ds.create('/g/y', 'y'),
    ]);
    assert.deepEqual(res.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((res[1] as PromiseRejectedResult).reason), /NOT NULL constraint failed: kv.value/);
    assert.deepEqual([(await ds.get('/g/x'))?.value, await ds.get('/g/bad'), (await ds.get('/g/y'))?.value], ['x', undefined, 'y']);
    const revs = res.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value);
    assert.deepEqual(revs, [revs[0]!, revs[0]! + 1]); // no revision lost to the failed write
  });
});

test('sqlite group commit: close() commits writes already accepted; writes after close are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-sqlite-gc-'));
  try {
    const ds = openSqliteDatastore(dir);
    const pending = ds.create('/g/late', 'v');
    await ds.close();
    const rev = await pending;
    await assert.rejects(ds.create('/g/after', 'v'));
    const again = openSqliteDatastore(dir);
    assert.deepEqual([(await again.get('/g/late'))?.value, (await again.get('/g/late'))?.modRevision], ['v', rev]);
    await again.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
