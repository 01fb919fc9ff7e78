import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepCopy, jsonEqual } from './codec.js';

test('deepCopy gives exactly what a JSON round trip gives, without sharing anything', () => {
  const when = new Date('2026-01-02T03:04:05Z');
  const v = {
    a: 1, s: 'x', t: true, n: null, u: undefined, f: () => 1, sym: Symbol('s'), inf: Infinity, nan: NaN,
    arr: [1, undefined, () => 2, { deep: [null, 'y'] }, NaN], when, nested: { o: { p: [] as unknown[] }, u: undefined },
  };
  const c = deepCopy(v);
  assert.deepEqual(c, JSON.parse(JSON.stringify(v)));
  assert.equal(JSON.stringify(c), JSON.stringify(v));
  assert.deepEqual(['u', 'f', 'sym'].filter((k) => k in (c as object)), []);
  assert.equal((c as unknown as { when: string }).when, '2026-01-02T03:04:05.000Z');
  assert.notEqual(c.nested, v.nested);
  assert.notEqual(c.arr[3], v.arr[3]);
  assert.equal(deepCopy(undefined), undefined);
  const proto = Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 });
  assert.deepEqual(deepCopy(proto), { own: 2 });
});

test('jsonEqual compares data as upstream DeepEqual does: member order and undefined members do not count', () => {
  assert.ok(jsonEqual({ a: 1, b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'x' }] }, a: 1 }));
  assert.ok(jsonEqual({ a: 1, u: undefined }, { a: 1 }));
  assert.ok(jsonEqual(undefined, undefined));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!jsonEqual({ a: 1, b: 2 }, { a: 1 }));
  assert.ok(!jsonEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!jsonEqual({ a: [] }, { a: {} }));
  assert.ok(!jsonEqual({ a: null }, { a: undefined }));
  assert.ok(!jsonEqual({ a: '1' }, { a: 1 }));
  assert.ok(!jsonEqual(undefined, {}));
});
