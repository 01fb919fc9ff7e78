import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContinue, encodeContinue } from './continue.js';
import { memoryServer } from '../testing/harness.js';
import { R } from '../../api/gvr.js';
import type { KList } from '../../api/object.js';

test('continue tokens are upstream-shaped and round-trip', () => {
  const t = encodeContinue(42, '/registry/core/pods/ns/b', '/registry/core/pods/');
  assert.deepEqual(JSON.parse(Buffer.from(t, 'base64').toString()), { v: 'meta.k8s.io/v1', rv: 42, start: 'ns/b\u0000' });
  assert.deepEqual(decodeContinue(t, '/registry/core/pods/'), { revision: 42, startAfter: '/registry/core/pods/ns/b' });
  assert.throws(() => decodeContinue('garbage', '/x/'), /continue key is not valid/);
});

test('paged lists: limit/continue read one consistent revision, with and without selectors', async () => {
  const s = await memoryServer();
  const c = s.client();
  for (let i = 0; i < 7; i++) await c.create(R.configmaps, 'default', { metadata: { name: `cm${i}`, labels: { odd: String(i % 2) } }, data: {} });
  const first = await c.list(R.configmaps, 'default', { limit: 3 });
  assert.deepEqual(first.items.map((o) => o.metadata.name), ['cm0', 'cm1', 'cm2']);
  assert.ok(first.metadata.continue);
  await c.create(R.configmaps, 'default', { metadata: { name: 'cm10' }, data: {} }); // after the snapshot: must not appear
  const names: string[] = first.items.map((o) => o.metadata.name!);
  let cont: string | undefined = first.metadata.continue;
  while (cont) {
    const page: KList = await c.list(R.configmaps, 'default', { limit: 3, continue: cont });
    assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
    names.push(...page.items.map((o) => o.metadata.name!));
    cont = page.metadata.continue;
  }
  assert.deepEqual(names, ['cm0', 'cm1', 'cm2', 'cm3', 'cm4', 'cm5', 'cm6']);
  const odd = await c.list(R.configmaps, 'default', { labelSelector: 'odd=1', limit: 2 });
  assert.deepEqual(odd.items.map((o) => o.metadata.name), ['cm1', 'cm3']);
  const rest = await c.list(R.configmaps, 'default', { labelSelector: 'odd=1', limit: 2, continue: odd.metadata.continue });
  assert.deepEqual(rest.items.map((o) => o.metadata.name), ['cm5']);
  assert.equal(rest.metadata.continue, undefined);
  await s.close();
});
