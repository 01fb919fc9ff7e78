import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compactOnce, startAutoCompaction } from './compaction.js';
import { createMemoryDatastore } from './memory.js';
import { openSqliteDatastore } from './sqlite.js';

test('compactOnce keeps the last keepRevisions revisions and never goes backwards', async () => {
  const ds = createMemoryDatastore();
  for (let i = 0; i < 30; i++) await ds.create(`/k/${i}`, 'v');
  assert.equal(await compactOnce(ds, 100), undefined); // not enough history yet
  assert.equal(await ds.compactedRevision(), 0);
  assert.equal(await compactOnce(ds, 10), 20);
  assert.equal(await ds.compactedRevision(), 20);
  assert.equal(await compactOnce(ds, 10), undefined); // nothing new since
  assert.equal((await ds.range('/k/', { revision: 20 })).kvs.length, 20);
  await ds.close();
});

test('startAutoCompaction compacts on its interval until stopped', async () => {
  const ds = createMemoryDatastore();
  for (let i = 0; i < 50; i++) await ds.create(`/k/${i}`, 'v');
  const stop = startAutoCompaction(ds, { intervalMs: 20, keepRevisions: 5 });
  try {
    const deadline = Date.now() + 2000;
    while ((await ds.compactedRevision()) !== 45 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await ds.compactedRevision(), 45);
  } finally { stop(); }
  for (let i = 50; i < 80; i++) await ds.create(`/k/${i}`, 'v');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await ds.compactedRevision(), 45, 'a stopped compactor does nothing');
  await ds.close();
});

test('sqlite compaction removes superseded log rows and tombstones, keeps the state at the compacted revision', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-compact-'));
  const ds = openSqliteDatastore(dir);
  try {
    let rev = await ds.create('/k/a', '0');
    for (let i = 1; i <= 9; i++) rev = await ds.update('/k/a', String(i), rev); // revisions 1..10
    await ds.create('/k/gone', 'x'); // 11
    await ds.delete('/k/gone'); // 12
    await ds.create('/k/b', 'b'); // 13
    await ds.compact(12);
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    try {
      // a@10 (newest at or below 12) and b@13 remain; a@1..9 and both rows of the deleted key are gone.
      assert.deepEqual(db.prepare('SELECT rev, key, type FROM log ORDER BY rev').all(), [
        { rev: 10, key: '/k/a', type: 'put' },
        { rev: 13, key: '/k/b', type: 'put' },
      ]);
      assert.deepEqual(db.prepare('SELECT name, value FROM meta').all(), [{ name: 'compacted', value: 12 }]);
    } finally { db.close(); }
    assert.deepEqual((await ds.range('/k/', { revision: 12 })).kvs.map((kv) => [kv.key, kv.value]), [['/k/a', '9']]);
    assert.equal(await ds.currentRevision(), 13);
  } finally {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: the revision survives reopening even when compaction removed the newest log row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-compact-'));
  try {
    const ds = openSqliteDatastore(dir);
    await ds.create('/k/a', 'x'); // 1
    await ds.delete('/k/a'); // 2: a tombstone, removed by compacting at 2
    await ds.compact(2);
    await ds.close();
    const again = openSqliteDatastore(dir);
    assert.equal(await again.currentRevision(), 2);
    assert.equal(await again.create('/k/a', 'y'), 3);
    await again.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
