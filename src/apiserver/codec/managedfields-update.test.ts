// managedFields bookkeeping of non-apply writes (recordUpdate) over the paths the store takes for every
// controller write: a status update, a main update that changes, adds and removes fields owned by another
// manager, and a request that sends managedFields of its own. Upstream: structured-merge-diff merge/update.go.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, ManagedFieldsEntry } from '../../api/object.js';
import { recordUpdate } from './ssa.js';
import { ensureGenerated } from './testing.js';

before(() => ensureGenerated());
const gvk = { group: '', version: 'v1', kind: 'PersistentVolume' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s, 250));
const entry = (manager: string, s: number, fieldsV1: object, subresource?: string): ManagedFieldsEntry => ({
  manager, operation: 'Update', apiVersion: 'v1', time: `2026-01-01T00:00:0${s}Z`, fieldsType: 'FieldsV1', fieldsV1: fieldsV1 as ManagedFieldsEntry['fieldsV1'],
  ...(subresource ? { subresource } : {}),
});

test('status, then main updates: each manager owns what it changed; removed and taken fields leave the others', () => {
  const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1', labels: { tier: 'a' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x', type: '' } } } as KObject & { spec: any; status?: any };
  recordUpdate({ updated: pv, manager: 'creator', gvk, now: at(0) });
  const creator = entry('creator', 0, { 'f:metadata': { 'f:labels': { 'f:tier': {} } }, 'f:spec': { 'f:accessModes': {}, 'f:capacity': { 'f:storage': {} }, 'f:hostPath': { 'f:path': {}, 'f:type': {} } } });
  assert.deepEqual(pv.metadata.managedFields, [creator]);

  const status = structuredClone(pv);
  status.status = { phase: 'Available' };
  recordUpdate({ old: pv, updated: status, manager: 'binder', gvk, now: at(1), subresource: 'status' });
  const binderStatus = entry('binder', 1, { 'f:status': { 'f:phase': {} } }, 'status');
  assert.deepEqual(status.metadata.managedFields, [creator, binderStatus]);

  const main = structuredClone(status);
  main.spec.claimRef = { namespace: 'default', name: 'c' };
  main.spec.capacity.storage = '2Gi'; // taken from creator
  delete main.spec.hostPath.type; // removed from creator
  delete main.metadata.labels;
  recordUpdate({ old: status, updated: main, manager: 'binder', gvk, now: at(2) });
  const creatorLeft = entry('creator', 0, { 'f:spec': { 'f:accessModes': {}, 'f:hostPath': { 'f:path': {} } } });
  const binderMain = entry('binder', 2, { 'f:spec': { 'f:capacity': { 'f:storage': {} }, 'f:claimRef': { 'f:name': {}, 'f:namespace': {} } } });
  assert.deepEqual(main.metadata.managedFields, [creatorLeft, binderStatus, binderMain]);

  // Sent managedFields replace the stored ones; an entry that owns nothing (a non-object leaf) is dropped.
  const sent = structuredClone(main);
  sent.metadata.managedFields = [...main.metadata.managedFields!, { ...entry('junk', 3, { 'f:spec': { 'f:x': 1 } }) }];
  recordUpdate({ old: main, updated: sent, manager: 'binder', gvk, now: at(3) });
  assert.deepEqual(sent.metadata.managedFields, [creatorLeft, binderStatus, binderMain]);
});
