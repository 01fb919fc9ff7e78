import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, type FieldError } from '../../../api/field.js';
import { persistentVolumeClaim as kind, type PersistentVolumeClaim } from './persistentvolumeclaim.js';

const ctx = { now: new Date('2024-05-01T12:00:00Z'), dryRun: false };
const msg = (errs: FieldError[]) => (errs.length ? aggregate(errs) : '');
const pvc = (spec: Record<string, any>, status?: Record<string, any>): PersistentVolumeClaim =>
  ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', uid: 'u1', resourceVersion: '3', creationTimestamp: '2024-05-01T11:00:00Z' }, spec, ...(status ? { status } : {}) });
const spec = () => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' });
const validate = (o: PersistentVolumeClaim) => { kind.defaults!(o); return kind.validate!(o, ctx); };

test('defaults and create: volumeMode Filesystem, phase Pending', () => {
  const o = pvc(spec(), { phase: 'Bound' });
  kind.defaults!(o);
  kind.prepareForCreate!(o, ctx);
  assert.equal(o.spec!.volumeMode, 'Filesystem');
  assert.deepEqual(o.status, { phase: 'Pending' });
  assert.deepEqual(kind.validate!(o, ctx), []);
});

test('spec messages', () => {
  assert.equal(msg(validate(pvc({ resources: { requests: { storage: '1Gi' } } }))), 'spec.accessModes: Required value: at least 1 access mode is required');
  assert.equal(msg(validate(pvc({ accessModes: ['ReadWriteOnce'] }))), 'spec.resources[storage]: Required value');
  assert.equal(msg(validate(pvc({ ...spec(), resources: { requests: { storage: '0' } } }))), 'spec.resources[storage]: Invalid value: "0": must be greater than zero');
  assert.equal(msg(validate(pvc({ ...spec(), volumeMode: 'FileSystem' }))), 'spec.volumeMode: Unsupported value: "FileSystem": supported values: "Block", "Filesystem"');
  assert.equal(msg(validate(pvc({ ...spec(), accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] }))), 'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes');
  assert.equal(msg(validate(pvc({ ...spec(), dataSource: { kind: 'Foo', name: 'x' } }))), `spec.dataSource: Invalid value: "Foo": must be 'PersistentVolumeClaim' when referencing the default apiGroup`);
  assert.equal(msg(validate(pvc({ ...spec(), dataSource: { kind: 'PersistentVolumeClaim' } }))), 'spec.dataSource.name: Required value');
  assert.match(msg(validate(pvc({ ...spec(), storageClassName: 'Local_Path' }))), /^spec\.storageClassName: Invalid value: "Local_Path": a lowercase RFC 1123 subdomain/);
  assert.equal(msg(validate(pvc({ ...spec(), selector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }))), "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
});

test('update: volumeName may be set once; pending claims cannot resize; bound claims can grow', () => {
  const old = pvc(spec(), { phase: 'Pending' }); kind.defaults!(old);
  const bound = structuredClone(old); bound.spec!.volumeName = 'pv1';
  assert.deepEqual(kind.validateUpdate!(bound, old, ctx), []);
  const grown = structuredClone(old); grown.spec!.resources.requests.storage = '2Gi';
  const errs = kind.validateUpdate!(grown, old, ctx);
  assert.equal(errs.length, 1);
  assert.match(aggregate(errs), /^spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core\.PersistentVolumeClaimSpec\{\n/);
  const oldBound = pvc({ ...spec(), volumeName: 'pv1' }, { phase: 'Bound', capacity: { storage: '1Gi' } }); kind.defaults!(oldBound);
  const growBound = structuredClone(oldBound); growBound.spec!.resources.requests.storage = '2Gi';
  assert.deepEqual(kind.validateUpdate!(growBound, oldBound, ctx), []);
  const shrink = structuredClone(oldBound); shrink.spec!.resources.requests.storage = '512Mi';
  assert.equal(msg(kind.validateUpdate!(shrink, oldBound, ctx)), 'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity');
  const same = structuredClone(oldBound); same.spec!.resources.requests.storage = '1024Mi';
  assert.deepEqual(kind.validateUpdate!(same, oldBound, ctx), []);
  const rebind = structuredClone(oldBound); rebind.spec!.volumeName = 'pv2';
  assert.equal(kind.validateUpdate!(rebind, oldBound, ctx)[0]!.field, 'spec');
  const mode = structuredClone(oldBound); mode.spec!.volumeMode = 'Block';
  assert.match(msg(kind.validateUpdate!(mode, oldBound, ctx)), /volumeMode: Invalid value: "Block": field is immutable/);
});

test('update: a claim without a class may get one (retroactive default class), not change it', () => {
  const old = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, { phase: 'Pending' }); kind.defaults!(old);
  const set = structuredClone(old); set.spec!.storageClassName = 'local-path';
  assert.deepEqual(kind.validateUpdate!(set, old, ctx), []);
  const change = structuredClone(set); change.spec!.storageClassName = 'other';
  assert.equal(kind.validateUpdate!(change, set, ctx)[0]!.field, 'spec');
});

test('status strategy keeps spec; status validation', () => {
  const old = pvc(spec(), { phase: 'Pending' }); kind.defaults!(old);
  const upd = structuredClone(old); upd.spec!.volumeName = 'x'; upd.status = { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] };
  kind.prepareForStatusUpdate!(upd, old, ctx);
  assert.equal(upd.spec!.volumeName, undefined);
  assert.deepEqual(kind.validateStatusUpdate!(upd, old, ctx), []);
});

test('printer: capacity and access modes only once bound; class; <unset>', () => {
  const now = new Date('2024-05-01T11:05:00Z');
  const pending = pvc(spec(), { phase: 'Pending' });
  assert.deepEqual(kind.printer!.cells(pending, now), ['data', 'Pending', '', '', '', 'local-path', '<unset>', '5m', '<unset>']);
  const bound = pvc({ ...spec(), volumeName: 'pv1', volumeMode: 'Filesystem' }, { phase: 'Bound', capacity: { storage: '10240Mi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] });
  assert.deepEqual(kind.printer!.cells(bound, now), ['data', 'Bound', 'pv1', '10Gi', 'RWO,ROX', 'local-path', '<unset>', '5m', 'Filesystem']);
  bound.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'beta' };
  bound.metadata.deletionTimestamp = '2024-05-01T11:04:00Z';
  assert.deepEqual(kind.printer!.cells(bound, now).slice(0, 6), ['data', 'Terminating', 'pv1', '10Gi', 'RWO,ROX', 'beta']);
});
