import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../api/field.js';
import { lease } from './lease.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), dryRun: false };

test('lease printer: Holder, blank when unset', () => {
  const now = new Date('2026-01-01T00:00:30Z');
  const meta = { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2026-01-01T00:00:00Z' };
  assert.deepEqual(lease.printer!.cells({ metadata: meta, spec: { holderIdentity: 'node-a_1234' } }, now), ['kube-scheduler', 'node-a_1234', '30s']);
  assert.deepEqual(lease.printer!.cells({ metadata: meta, spec: {} }, now), ['kube-scheduler', '', '30s']);
  assert.deepEqual(lease.printer!.columns.map((c) => c.name), ['Name', 'Holder', 'Age']);
});

test('lease validation', () => {
  const errs = lease.validate!({ metadata: { name: 'n', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }, ctx);
  assert.deepEqual(errs.map(formatFieldError), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
