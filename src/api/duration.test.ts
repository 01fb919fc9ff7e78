import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageCell, humanDuration } from './duration.js';

const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;

test('humanDuration as apimachinery duration.HumanDuration', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'], [-1500, '0s'], [-0.5 * S, '0s'], [0, '0s'], [32 * S, '32s'], [119 * S, '119s'],
    [2 * M, '2m'], [2 * M + 5 * S, '2m5s'], [9 * M + 59 * S, '9m59s'], [10 * M + 30 * S, '10m'], [179 * M, '179m'],
    [3 * H, '3h'], [3 * H + 20 * M, '3h20m'], [7 * H + 59 * M, '7h59m'], [8 * H + 30 * M, '8h'], [47 * H, '47h'],
    [2 * D, '2d'], [2 * D + 3 * H, '2d3h'], [7 * D + 23 * H, '7d23h'], [8 * D, '8d'], [400 * D, '400d'],
    [730 * D, '2y'], [760 * D, '2y30d'], [8 * 365 * D, '8y'], [9 * 365 * D + 10 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('ageCell: <unknown> when unset, else the age at now', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(ageCell(undefined, now), '<unknown>');
  assert.equal(ageCell('', now), '<unknown>');
  assert.equal(ageCell('2024-05-01T11:59:28Z', now), '32s');
  assert.equal(ageCell('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(ageCell('2024-04-29T09:00:00Z', now), '2d3h');
});
