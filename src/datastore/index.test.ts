import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatastore, registerDatastore } from './index.js';
import { createMemoryDatastore } from './memory.js';

test('openDatastore picks the backend by scheme; sqlite is the default', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-open-'));
  try {
    const mem = await openDatastore('memory', { dataDir: dir });
    assert.equal(mem.name, 'memory');
    await mem.close();
    const dflt = await openDatastore('', { dataDir: dir });
    assert.equal(dflt.name, 'sqlite');
    await dflt.close();
    assert.ok(existsSync(join(dir, 'state.db')));
    const other = join(dir, 'elsewhere');
    const explicit = await openDatastore(`sqlite://${other}`, { dataDir: dir });
    await explicit.close();
    assert.ok(existsSync(join(other, 'state.db')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('openDatastore rejects an unknown scheme, naming the known ones', async () => {
  await assert.rejects(openDatastore('postgres://db:5432', { dataDir: '/tmp' }),
    { message: 'unknown datastore "postgres://db:5432": expected one of "etcd", "memory", "sqlite"' });
});

test('a backend registered from its own module is found by openDatastore', async () => {
  let seen: URL | undefined;
  registerDatastore('testonly', async (url) => { seen = url; return createMemoryDatastore(); });
  const ds = await openDatastore('testonly://x:1', { dataDir: '/tmp' });
  assert.equal(seen?.host, 'x:1');
  await ds.close();
});
