import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runDatastoreContract } from './contract.js';
import { openSqliteDatastore, RANGE_LATEST_SQL } from './sqlite.js';
import { openDatastore } from './index.js';
import type { Datastore } from './types.js';

runDatastoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-sqlite-'));
  let ds: Datastore = openSqliteDatastore(dir);
  const store = {
    ds,
    reopen: async () => { await ds.close(); ds = openSqliteDatastore(dir); return ds; },
    dispose: async () => { await ds.close(); rmSync(dir, { recursive: true, force: true }); },
  };
  return store;
});

test('sqlite: openDatastore("sqlite") writes DIR/state.db in WAL mode with the documented schema', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-sqlite-'));
  try {
    const ds = await openDatastore('sqlite', { dataDir: dir });
    assert.equal(ds.name, 'sqlite');
    await ds.create('/registry/pods/default/a', '{}');
    await ds.close();
    assert.ok(existsSync(join(dir, 'state.db')));
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const tables = db.prepare(`SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name`).all();
      assert.deepEqual(tables, [
        { type: 'table', name: 'kv' },
        { type: 'table', name: 'log' },
        { type: 'index', name: 'log_key_rev' },
        { type: 'table', name: 'meta' },
        { type: 'index', name: 'sqlite_autoindex_kv_1' }, // kv's primary key on `key`
      ]);
      assert.deepEqual(db.prepare('SELECT key, create_rev, mod_rev FROM kv').all(), [{ key: '/registry/pods/default/a', create_rev: 1, mod_rev: 1 }]);
      assert.deepEqual(db.prepare('SELECT rev, key, type FROM log').all(), [{ rev: 1, key: '/registry/pods/default/a', type: 'put' }]);
    } finally { db.close(); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('sqlite: a prefix LIST uses the primary-key range, and 10,000 keys list fast', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-sqlite-'));
  const ds = openSqliteDatastore(dir);
  try {
    const value = JSON.stringify({ spec: { capacity: { storage: '1Gi' } }, pad: 'x'.repeat(600) });
    for (let i = 0; i < 10_000; i++) await ds.create(`/registry/persistentvolumes/pv-${String(i).padStart(5, '0')}`, value);
    await ds.create('/registry/persistentvolumesx/other', value);
    const t0 = performance.now();
    const all = await ds.range('/registry/persistentvolumes/');
    const ms = performance.now() - t0;
    assert.equal(all.kvs.length, 10_000);
    assert.equal(all.kvs[0]!.key, '/registry/persistentvolumes/pv-00000');
    // Generous bound for a shared 2-core machine; the typical figure is in docs/datastore.md.
    assert.ok(ms < 1000, `LIST of 10,000 took ${ms.toFixed(0)} ms`);
    // The same LIST at a past revision is rebuilt from the log through log(key, rev).
    const t1 = performance.now();
    const past = await ds.range('/registry/persistentvolumes/', { revision: 9_999 });
    const pastMs = performance.now() - t1;
    assert.equal(past.kvs.length, 9_999);
    assert.ok(pastMs < 2000, `LIST of 10,000 at a past revision took ${pastMs.toFixed(0)} ms`);
    console.log(`# LIST 10,000: latest ${ms.toFixed(0)} ms, at a past revision ${pastMs.toFixed(0)} ms`);
    // The query plan is a range search on kv's primary-key index, not a scan with LIKE.
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${RANGE_LATEST_SQL}`)
        .all('/a/', '/a0', '', -1) as Array<{ detail: string }>;
      assert.match(plan.map((p) => p.detail).join('\n'), /^SEARCH kv USING INDEX sqlite_autoindex_kv_1 \(key>\? AND key<\?\)$/);
    } finally { db.close(); }
  } finally {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
