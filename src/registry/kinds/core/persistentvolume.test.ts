import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, type FieldError } from '../../../api/field.js';
import { invalid as invalidStatus } from '../../../api/errors.js';
import { persistentVolume as kind, type PersistentVolume } from './persistentvolume.js';

const ctx = { now: new Date('2024-05-01T12:00:00Z'), dryRun: false };
const msg = (errs: FieldError[]) => (errs.length ? aggregate(errs) : '');
const pv = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'code-pv', ...meta }, spec });
const validate = (o: PersistentVolume) => { kind.defaults!(o); return kind.validate!(o, ctx); };
const good = () => pv({ capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });

test('defaults: Retain, Filesystem, hostPath type "", phase Pending', () => {
  const o = good();
  kind.defaults!(o);
  assert.equal(o.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(o.spec!.volumeMode, 'Filesystem');
  assert.equal(o.spec!.hostPath.type, '');
  assert.equal(o.status!.phase, 'Pending');
  assert.deepEqual(validate(o), []);
});

test('prepareForCreate wipes status to Pending with a transition time', () => {
  const o = good();
  o.status = { phase: 'Bound' };
  kind.prepareForCreate!(o, ctx);
  assert.deepEqual(o.status, { phase: 'Pending', lastPhaseTransitionTime: '2024-05-01T12:00:00Z' });
});

test('the empty PV: both capacity causes, in upstream order, as the API Status message', () => {
  const errs = validate(pv({}));
  assert.equal(invalidStatus('', 'PersistentVolume', 'code-pv', errs).message,
    'PersistentVolume "code-pv" is invalid: [spec.accessModes: Required value, spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage", spec: Required value: must specify a volume type]');
});

test('spec field messages', () => {
  const base = () => good().spec as Record<string, unknown>;
  assert.equal(msg(validate(pv({ ...base(), accessModes: ['RWO'] }))), 'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"');
  assert.equal(msg(validate(pv({ ...base(), accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }))), 'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes');
  assert.equal(msg(validate(pv({ ...base(), capacity: { storage: '0' } }))), 'spec.capacity[storage]: Invalid value: "0": must be greater than zero');
  assert.equal(msg(validate(pv({ ...base(), persistentVolumeReclaimPolicy: 'Keep' }))), 'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"');
  assert.equal(msg(validate(pv({ ...base(), persistentVolumeReclaimPolicy: 'Recycle', hostPath: { path: '/' } }))), "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'");
  assert.equal(msg(validate(pv({ ...base(), nfs: { server: 'x', path: '/e' } }))), 'spec.nfs: Forbidden: may not specify more than 1 volume type');
  assert.equal(msg(validate(pv({ ...base(), hostPath: { path: '/a/../b' } }))), `spec.hostPath.path: Invalid value: "/a/../b": must not contain '..'`);
  assert.equal(msg(validate(pv({ ...base(), hostPath: { path: '/d', type: 'Dir' } }))), 'spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"');
  assert.equal(msg(validate(pv({ ...base(), hostPath: undefined, local: { path: '/mnt/disks/ssd1' } }))), 'spec.nodeAffinity: Required value: Local volume requires node affinity');
  assert.equal(msg(validate(pv({ ...base(), hostPath: undefined, local: {} , nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } } }))), 'spec.local.path: Required value');
  assert.equal(msg(validate(pv({ ...base(), hostPath: undefined, nfs: { server: 'nfs', path: 'x' } }))), 'spec.nfs.path: Invalid value: "x": must be an absolute path');
  assert.equal(msg(validate(pv({ ...base(), hostPath: undefined, csi: { driver: 'd.example.com' } }))), 'spec.csi.volumeHandle: Required value');
  assert.equal(msg(validate(pv({ ...base(), volumeMode: 'Raw' }))), 'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"');
  assert.match(msg(validate(pv(base(), { name: 'Code_PV' }))), /^metadata\.name: Invalid value: "Code_PV": a lowercase RFC 1123 subdomain must consist of/);
  assert.equal(msg(validate(pv(base(), { annotations: { 'volume.beta.kubernetes.io/mount-options': 'ro' } }))),
    'metadata.annotations.volume.beta.kubernetes.io/mount-options: Forbidden: may not specify mount options for this volume type');
  assert.equal(msg(validate(pv({ ...base(), hostPath: undefined, nfs: { server: 'nfs', path: '/x' } }, { annotations: { 'volume.beta.kubernetes.io/mount-options': 'ro' } }))), '');
});

test('update: source and volumeMode immutable, capacity/class/reclaim mutable', () => {
  const old = good(); kind.defaults!(old);
  const changed = good(); changed.spec!.capacity = { storage: '5Gi' }; changed.spec!.persistentVolumeReclaimPolicy = 'Delete'; changed.spec!.storageClassName = 'manual';
  kind.defaults!(changed);
  assert.deepEqual(kind.validateUpdate!(changed, old, ctx), []);
  const moved = good(); moved.spec!.hostPath = { path: '/other' }; kind.defaults!(moved);
  const errs = kind.validateUpdate!(moved, old, ctx);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec.persistentvolumesource');
  assert.match(aggregate(errs), /^spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation\n/);
  const block = good(); block.spec!.volumeMode = 'Block'; kind.defaults!(block);
  assert.equal(msg(kind.validateUpdate!(block, old, ctx)), 'volumeMode: Invalid value: "Block": field is immutable');
});

test('status update keeps spec and stamps phase transitions', () => {
  const old = good(); kind.defaults!(old); kind.prepareForCreate!(old, { ...ctx, now: new Date('2024-05-01T11:00:00Z') });
  const upd = good(); upd.spec!.capacity = { storage: '9Gi' }; upd.status = { phase: 'Available', lastPhaseTransitionTime: old.status!.lastPhaseTransitionTime };
  kind.prepareForStatusUpdate!(upd, old, ctx);
  assert.equal(upd.spec!.capacity.storage, '2Gi');
  assert.equal(upd.status!.lastPhaseTransitionTime, '2024-05-01T12:00:00Z');
  const keep = good(); keep.status = { phase: 'Pending' };
  kind.prepareForStatusUpdate!(keep, old, ctx);
  assert.equal(keep.status!.lastPhaseTransitionTime, '2024-05-01T11:00:00Z');
});

test('printer cells: canonical capacity, access modes, claim, <unset>', () => {
  const now = new Date('2024-05-01T12:00:32Z');
  const o = pv({ capacity: { storage: '2048Mi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Recycle', hostPath: { path: '/d' } }, { creationTimestamp: '2024-05-01T12:00:00Z' });
  o.status = { phase: 'Available' };
  assert.deepEqual(kind.printer!.cells(o, now), ['code-pv', '2Gi', 'RWO,RWX', 'Recycle', 'Available', '', '', '<unset>', '', '32s', '<unset>']);
  kind.defaults!(o);
  o.spec!.claimRef = { namespace: 'default', name: 'data' };
  o.spec!.storageClassName = 'local-path';
  o.metadata.deletionTimestamp = '2024-05-01T12:00:30Z';
  assert.deepEqual(kind.printer!.cells(o, now), ['code-pv', '2Gi', 'RWO,RWX', 'Recycle', 'Terminating', 'default/data', 'local-path', '<unset>', '', '32s', 'Filesystem']);
  assert.deepEqual(kind.printer!.columns.map((c) => `${c.name}${c.priority ? '(w)' : ''}`),
    ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode(w)']);
  assert.match(kind.printer!.columns[1]!.description, /^capacity is the description of the persistent volume's resources/);
});
