import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryDatastore } from '../../datastore/memory.js';
import { createApiServer } from '../index.js';
import { R } from '../../api/gvr.js';
import type { KObject, WatchEvent } from '../../api/object.js';
import { eventually, memoryServer, sleep } from '../testing/harness.js';

const cm = (name: string, labels: Record<string, string> = {}): KObject => ({ metadata: { name, labels }, data: {} });
const fmt = (e: WatchEvent) => `${e.type} ${e.object.metadata?.name ?? ''}`;

test('watch from a list resourceVersion sends only later changes, DELETED included', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.configmaps, 'default', cm('a'));
  const list = await c.list(R.configmaps, 'default');
  const got: WatchEvent[] = [];
  const h = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => got.push(e));
  await c.create(R.configmaps, 'default', cm('b'));
  await c.patch(R.configmaps, 'default', 'a', 'merge', { data: { x: '1' } });
  const del = await c.delete(R.configmaps, 'default', 'b');
  assert.equal((del as { status?: string }).status, 'Success');
  await eventually(() => got.length >= 3);
  assert.deepEqual(got.map(fmt), ['ADDED b', 'MODIFIED a', 'DELETED b']);
  // DELETED carries the last state with the delete's resourceVersion.
  assert.ok(Number(got[2]!.object.metadata.resourceVersion) > Number(got[0]!.object.metadata.resourceVersion));
  h.stop();
  await h.done;
  await s.close();
});

test('resourceVersion "0" or "" starts with synthetic ADDED events; a name selector limits them', async () => {
  const s = await memoryServer();
  const c = s.client();
  await c.create(R.configmaps, 'default', cm('a'));
  await c.create(R.configmaps, 'default', cm('b'));
  for (const rv of ['0', '']) {
    const got: WatchEvent[] = [];
    const h = c.watch(R.configmaps, 'default', { resourceVersion: rv }, (e) => got.push(e));
    await eventually(() => got.length >= 2);
    assert.deepEqual(got.map(fmt), ['ADDED a', 'ADDED b']);
    h.stop();
  }
  const got: WatchEvent[] = [];
  const h = c.watch(R.configmaps, 'default', { resourceVersion: '0', fieldSelector: 'metadata.name=b' }, (e) => got.push(e));
  await eventually(() => got.length >= 1);
  await c.patch(R.configmaps, 'default', 'a', 'merge', { data: { x: '1' } });
  await c.patch(R.configmaps, 'default', 'b', 'merge', { data: { x: '1' } });
  await eventually(() => got.length >= 2);
  assert.deepEqual(got.map(fmt), ['ADDED b', 'MODIFIED b']);
  h.stop();
  await s.close();
});

test('label selectors apply to old and new state: leaving is DELETED, entering is ADDED', async () => {
  const s = await memoryServer();
  const c = s.client();
  const list = await c.list(R.configmaps, 'default');
  const got: WatchEvent[] = [];
  const h = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion, labelSelector: 'app=db' }, (e) => got.push(e));
  await c.create(R.configmaps, 'default', cm('x', { app: 'web' }));
  await c.patch(R.configmaps, 'default', 'x', 'merge', { metadata: { labels: { app: 'db' } } });
  await c.patch(R.configmaps, 'default', 'x', 'merge', { data: { k: 'v' } });
  const moved = await c.patch(R.configmaps, 'default', 'x', 'merge', { metadata: { labels: { app: 'web' } } });
  await eventually(() => got.length >= 3);
  assert.deepEqual(got.map(fmt), ['ADDED x', 'MODIFIED x', 'DELETED x']);
  // Upstream: the previous content (still matching) with the event's resourceVersion.
  assert.equal(got[2]!.object.metadata.labels?.app, 'db');
  assert.equal(got[2]!.object.metadata.resourceVersion, moved.metadata.resourceVersion);
  h.stop();
  await s.close();
});

test('resuming below the window answers 410 Expired with the upstream message', async () => {
  const ds = createMemoryDatastore();
  const s = createApiServer({ datastore: ds });
  await s.ready();
  const c = s.client();
  for (let i = 0; i < 5; i++) await c.create(R.configmaps, 'default', cm(`c${i}`));
  // A fresh server over the same data, with history compacted: the cache window starts at the compaction.
  const rev = await ds.currentRevision();
  await ds.compact(rev);
  await s.close();
  const s2 = createApiServer({ datastore: ds });
  await s2.ready();
  const got: WatchEvent[] = [];
  const h = s2.client().watch(R.configmaps, 'default', { resourceVersion: '3' }, (e) => got.push(e));
  await h.done;
  assert.equal(got.length, 1);
  assert.equal(got[0]!.type, 'ERROR');
  const st = got[0]!.object as unknown as { code: number; reason: string; message: string };
  assert.equal(st.code, 410);
  assert.equal(st.reason, 'Expired');
  assert.equal(st.message, `too old resource version: 3 (${rev})`);
  await s2.close();
});

test('timeoutSeconds ends the watch', async () => {
  const s = await memoryServer();
  const c = s.client();
  const t0 = Date.now();
  const h = c.watch(R.configmaps, 'default', { resourceVersion: '0', timeoutSeconds: 1 }, () => {});
  await h.done;
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 3000, `took ${took} ms`);
  await s.close();
});

test('one datastore watch fans out to 1,000 watchers', async () => {
  const s = await memoryServer();
  const c = s.client();
  const list = await c.list(R.configmaps, 'default');
  let count = 0;
  const hs = Array.from({ length: 1000 }, () => c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, () => { count++; }));
  await sleep(20);
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) await c.create(R.configmaps, 'default', cm(`f${i}`));
  await eventually(() => count >= 10_000, 5000);
  assert.equal(count, 10_000);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(s.internals.store().cache.watcherCount, 1000);
  for (const h of hs) h.stop();
  assert.equal(s.internals.store().cache.watcherCount, 0);
  await s.close();
});

test('bookmarks carry the current resourceVersion when allowWatchBookmarks is set', async () => {
  const s = createApiServer({ datastore: createMemoryDatastore(), watchBookmarkIntervalMs: 50 });
  await s.ready();
  const c = s.client();
  const list = await c.list(R.configmaps, 'default');
  const withBm: WatchEvent[] = [], without: WatchEvent[] = [];
  const h1 = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true }, (e) => withBm.push(e));
  const h2 = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => without.push(e));
  await c.create(R.secrets, 'default', { metadata: { name: 'elsewhere' } }); // advances the revision, not this resource
  await eventually(() => withBm.some((e) => e.type === 'BOOKMARK'));
  const bm = withBm.find((e) => e.type === 'BOOKMARK')!;
  assert.deepEqual(bm.object, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(Number(list.metadata.resourceVersion) + 1) } });
  assert.equal(without.length, 0);
  h1.stop(); h2.stop();
  await s.close();
});

test('watchers that own their copies (in-process clients) may change what they get without touching anyone else', async () => {
  const s = await memoryServer();
  const c = s.client();
  const list = await c.list(R.configmaps, 'default');
  const a: WatchEvent[] = [], b: WatchEvent[] = [];
  const shared: KObject[] = [];
  const r = s.internals.table.forGVR(R.configmaps)!;
  const ha = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => { a.push(e); (e.object.data as Record<string, string>).k = 'changed by a'; });
  const hb = c.watch(R.configmaps, 'default', { resourceVersion: list.metadata.resourceVersion }, (e) => b.push(e));
  // A sink that serializes the shared object, as the HTTP layer does.
  const hs = s.internals.store().watch(r, 'default', { resourceVersion: list.metadata.resourceVersion }, { event: (_t, o) => shared.push(o), end: () => {} });
  const made = await c.create(R.configmaps, 'default', { metadata: { name: 'own' }, data: { k: 'v' } });
  await eventually(() => a.length && b.length && shared.length);
  assert.notEqual(a[0]!.object, b[0]!.object);
  assert.deepEqual(b[0]!.object, made);
  assert.deepEqual(shared[0], made);
  assert.equal((a[0]!.object.data as Record<string, string>).k, 'changed by a');
  ha.stop(); hb.stop(); hs.stop();
  await s.close();
});
