import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../api/field.js';
import { podDisruptionBudget, type PodDisruptionBudgetObject } from './poddisruptionbudget.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), dryRun: false };
const pdb = (spec: Record<string, unknown>): PodDisruptionBudgetObject => ({ metadata: { name: 'db', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, spec });

test('minAvailable and maxUnavailable are mutually exclusive', () => {
  const errs = podDisruptionBudget.validate!(pdb({ minAvailable: 1, maxUnavailable: '50%', selector: { matchLabels: { app: 'db' } } }), ctx);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.match(formatFieldError(errs[0]!), /^spec: Invalid value: policy\.PodDisruptionBudgetSpec\{MinAvailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), .*\}: minAvailable and maxUnavailable cannot be both set$/);
});

test('percent and range checks', () => {
  assert.deepEqual(podDisruptionBudget.validate!(pdb({ maxUnavailable: '120%' }), ctx).map(formatFieldError),
    ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']);
  assert.deepEqual(podDisruptionBudget.validate!(pdb({ minAvailable: -1 }), ctx).map(formatFieldError),
    ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
});

test('status on create, generation, printer', () => {
  const p = pdb({ minAvailable: 2, selector: { matchLabels: { app: 'db' } } });
  podDisruptionBudget.prepareForCreate!(p, ctx);
  assert.deepEqual(p.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  assert.equal(p.metadata.generation, 1);
  p.status = { disruptionsAllowed: 1 };
  assert.deepEqual(podDisruptionBudget.printer!.cells(p, new Date('2026-01-01T00:00:09Z')), ['db', '2', 'N/A', 1, '9s']);
  const q = pdb({ maxUnavailable: '25%' });
  assert.deepEqual(podDisruptionBudget.printer!.cells(q, new Date('2026-01-01T00:00:09Z')).slice(1, 4), ['N/A', '25%', 0]);
  assert.deepEqual(podDisruptionBudget.printer!.columns.map((c) => c.name), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
});
