import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Slots } from './slots.js';

test('Slots: never more than size at once, started in arrival order', async () => {
  const slots = new Slots(3);
  let active = 0, peak = 0;
  const started: number[] = [];
  await Promise.all(Array.from({ length: 10 }, (_x, i) => slots.run(async () => {
    started.push(i);
    active++; peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 5 + (i % 3) * 3));
    active--;
  })));
  assert.equal(peak, 3);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(slots.inUse, 0);
});

test('Slots: a failing task frees its slot', async () => {
  const slots = new Slots(1);
  await assert.rejects(slots.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await slots.run(async () => 42), 42);
});
