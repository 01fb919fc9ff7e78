import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, type FieldError } from '../../../api/field.js';
import { invalid as invalidStatus } from '../../../api/errors.js';
import { storageClass, type StorageClass } from './storageclass.js';
import { volumeAttachment, type VolumeAttachment } from './volumeattachment.js';
import { cSIDriver, type CSIDriver } from './csidriver.js';
import { cSINode } from './csinode.js';

const ctx = { now: new Date('2024-05-01T12:00:00Z'), dryRun: false };
const msg = (errs: FieldError[]) => (errs.length ? aggregate(errs) : '');
const sc = (o: Partial<StorageClass> = {}, meta: Record<string, unknown> = {}): StorageClass =>
  ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', uid: 'u', creationTimestamp: '2024-05-01T11:00:00Z', ...meta }, provisioner: 'rancher.io/local-path', ...o });
const scValidate = (o: StorageClass) => { storageClass.defaults!(o); return storageClass.validate!(o, ctx); };

test('StorageClass defaults: Delete, Immediate', () => {
  const o = sc();
  storageClass.defaults!(o);
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
  assert.deepEqual(storageClass.validate!(o, ctx), []);
});

test('StorageClass validation: top-level paths and the group-qualified kind in the Status message', () => {
  assert.equal(invalidStatus('storage.k8s.io', 'StorageClass', 'fast', scValidate(sc({ provisioner: '' }))).message,
    'StorageClass.storage.k8s.io "fast" is invalid: provisioner: Required value');
  assert.equal(msg(scValidate(sc({ reclaimPolicy: 'Recycle' }))), 'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"');
  assert.equal(msg(scValidate(sc({ volumeBindingMode: 'Later' }))), 'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"');
  assert.match(msg(scValidate(sc({ provisioner: 'a/b/c' }))), /^provisioner: Invalid value: "a\/b\/c": a qualified name must consist of/);
  assert.equal(msg(scValidate(sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }] }] }))),
    'allowedTopologies[0].matchLabelExpressions[0].values: Required value: must specify as least one value');
});

test('StorageClass update rules', () => {
  const old = sc({ parameters: { a: 'b' } }); storageClass.defaults!(old);
  const ok = structuredClone(old); ok.allowVolumeExpansion = true; ok.mountOptions = ['ro']; ok.metadata.labels = { x: 'y' };
  assert.deepEqual(storageClass.validateUpdate!(ok, old, ctx), []);
  const bad = structuredClone(old); bad.parameters = { a: 'c' }; bad.provisioner = 'example.com/other'; bad.reclaimPolicy = 'Retain'; bad.volumeBindingMode = 'WaitForFirstConsumer';
  assert.equal(msg(storageClass.validateUpdate!(bad, old, ctx)),
    '[parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable]');
});

test('StorageClass printer: " (default)" suffix and nil fallbacks', () => {
  const now = new Date('2024-05-01T11:00:45Z');
  const o = sc({ volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' }, { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
  assert.deepEqual(storageClass.printer!.cells(o, now), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '45s']);
  const beta = sc({}, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } });
  assert.equal(storageClass.printer!.cells(beta, now)[0], 'fast (default)');
  const notDefault = sc({ allowVolumeExpansion: true }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'True' } });
  assert.deepEqual(storageClass.printer!.cells(notDefault, now), ['fast', 'rancher.io/local-path', 'Delete', 'Immediate', true, '45s']);
  assert.deepEqual(storageClass.printer!.columns.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
});

test('VolumeAttachment: source rule, spec immutable, status split, printer', () => {
  const va: VolumeAttachment = { metadata: { name: 'csi-1' }, spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-a', source: {} } };
  assert.equal(msg(volumeAttachment.validate!(va, ctx)), 'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName');
  va.spec!.source = { persistentVolumeName: 'pv1' };
  assert.deepEqual(volumeAttachment.validate!(va, ctx), []);
  const moved = structuredClone(va); moved.spec!.nodeName = 'node-b';
  assert.match(msg(volumeAttachment.validateUpdate!(moved, va, ctx)), /^spec: Invalid value: .*: field is immutable$/);
  va.status = { attached: true };
  assert.deepEqual(volumeAttachment.printer!.cells(va, ctx.now), ['csi-1', 'ebs.csi.aws.com', 'pv1', 'node-a', true, '<unknown>']);
});

test('CSIDriver defaults and printer; CSINode printer', () => {
  const d: CSIDriver = { metadata: { name: 'hostpath.csi.k8s.io' } };
  cSIDriver.defaults!(d);
  assert.deepEqual(d.spec, { attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', requiresRepublish: false, volumeLifecycleModes: ['Persistent'] });
  assert.deepEqual(cSIDriver.validate!(d, ctx), []);
  assert.deepEqual(cSIDriver.printer!.cells(d, ctx.now), ['hostpath.csi.k8s.io', true, false, false, '<unset>', false, 'Persistent', '<unknown>']);
  const changed = structuredClone(d); changed.spec!.attachRequired = false;
  assert.equal(msg(cSIDriver.validateUpdate!(changed, d, ctx)), 'spec.attachRequired: Invalid value: false: field is immutable');
  const n = { metadata: { name: 'node-a' }, spec: { drivers: [{ name: 'a.csi', nodeID: 'n1' }, { name: 'b.csi' }] } };
  assert.equal(msg(cSINode.validate!(n, ctx)), 'spec.drivers[1].nodeID: Required value');
  assert.deepEqual(cSINode.printer!.cells(n, ctx.now), ['node-a', 2, '<unknown>']);
});
