// Provisioning and reclaim rows of upstream provision_test.go / delete_test.go / recycle_test.go, with the
// PV controller on the unit-test API. Plugins here are small recorders; the e2e test runs the real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, newClaim, newVolume } from './testkit.js';
import type { VolumePlugins } from './plugins.js';
import type { Provisioner } from '../provisioning/types.js';
import type { PersistentVolume } from './types.js';

function plugins(o: { deleteError?: string; recycled?: string[]; deleted?: string[] } = {}): VolumePlugins {
  const hostPath: Provisioner & { recycle(pv: PersistentVolume, r: (m: string) => void): Promise<void> } = {
    name: 'kubernetes.io/host-path', supportsMountOptions: false,
    async provision(x) { return { metadata: { name: x.pvName }, spec: { capacity: { storage: x.claim.spec.resources!.requests!.storage! }, accessModes: x.claim.spec.accessModes, hostPath: { path: `/tmp/hostpath-provisioner/${x.claim.metadata.name}` } } }; },
    async delete(pv) { if (o.deleteError) throw new Error(o.deleteError); o.deleted?.push(pv.metadata.name!); },
    async recycle(pv, report) { report('Successfully assigned default/recycler-for-x'); o.recycled?.push(pv.metadata.name!); },
  };
  return {
    provisionable: (n) => (n === hostPath.name ? hostPath : undefined),
    deletableByName: (n) => (n === hostPath.name ? hostPath : undefined),
    deletableBySpec: (pv) => (pv.spec.hostPath ? hostPath : undefined),
    recyclableBySpec: (pv) => (pv.spec.hostPath ? hostPath : undefined),
  };
}
const gold = (provisioner: string, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'gold' }, provisioner, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...extra });

test('11-1 in-tree provisioning: PV pvc-<uid> created bound, claim annotated and bound, ProvisioningSucceeded', async () => {
  const h = new Harness(plugins()).sc(gold('kubernetes.io/host-path')).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  const c = h.getPVC('c')!;
  const pvName = `pvc-${c.metadata.uid}`;
  const pv = h.getPV(pvName)!;
  assert.equal(pv.spec.claimRef?.uid, c.metadata.uid);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(pv.spec.storageClassName, 'gold');
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'kubernetes.io/host-path');
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal(c.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'kubernetes.io/host-path');
  assert.equal(c.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'kubernetes.io/host-path');
  assert.equal(c.spec.volumeName, pvName);
  assert.equal(c.status?.phase, 'Bound');
  assert.deepEqual(h.events.find((e) => e.reason === 'ProvisioningSucceeded'), { kind: 'PersistentVolumeClaim', name: 'c', type: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${pvName} using kubernetes.io/host-path` });
});

test('mount options refused by an in-tree plugin that does not support them', async () => {
  const h = new Harness(plugins()).sc(gold('kubernetes.io/host-path', { mountOptions: ['ro', 'noatime'] })).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  assert.ok(h.events.some((e) => e.reason === 'ProvisioningFailed' && e.message === 'Mount options are not supported by the provisioner but StorageClass "gold" has mount options [ro noatime]'));
});

test('11-17 external provisioner: both annotations and ExternalProvisioning; 11-18 unknown in-tree name', async () => {
  let h = new Harness(plugins()).sc(gold('vendor.com/my-volume')).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  const c = h.getPVC('c')!;
  assert.equal(c.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'vendor.com/my-volume');
  assert.equal(c.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'vendor.com/my-volume');
  assert.equal(h.events[0]!.reason, 'ExternalProvisioning');
  assert.equal(h.events[0]!.message, "Waiting for a volume to be created either by the external provisioner 'vendor.com/my-volume' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
  h = new Harness(plugins()).sc(gold('kubernetes.io/no-provisioner')).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  assert.deepEqual(h.events[0], { kind: 'PersistentVolumeClaim', name: 'c', type: 'Warning', reason: 'ProvisioningFailed', message: 'no volume plugin matched name: kubernetes.io/no-provisioner' });
});

test('missing StorageClass → ProvisioningFailed with the API error text; the claim binds once the class appears', async () => {
  const h = new Harness(plugins()).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  assert.deepEqual(h.events[0], { kind: 'PersistentVolumeClaim', name: 'c', type: 'Warning', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "gold" not found' });
  h.sc(gold('kubernetes.io/host-path'));
  await h.run();
  assert.equal(h.getPVC('c')!.status?.phase, 'Bound');
});

test('WaitForFirstConsumer claim provisions only after the scheduler selects a node (11-23 skips the Available PV)', async () => {
  const h = new Harness(plugins()).sc(gold('vendor.com/x', { volumeBindingMode: 'WaitForFirstConsumer' }))
    .pv(newVolume('pv1', '1Gi', { class: 'gold' })).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  assert.equal(h.events.map((e) => e.reason).join(), 'WaitForFirstConsumer');
  h.pvc({ ...newClaim('d', '1Gi', { class: 'gold', annotations: { 'volume.kubernetes.io/selected-node': 'n1' } }) });
  await h.run();
  assert.equal(h.getPVC('d')!.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'vendor.com/x');
  assert.equal(h.getPV('pv1')!.spec.claimRef, undefined, 'delayed binding never binds a free PV itself');
});

test('8-1 Delete reclaim deletes the data then the PV; 8-5 a failing deleter marks it Failed once', async () => {
  const deleted: string[] = [];
  let h = new Harness(plugins({ deleted })).pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'gone', uid: 'x' }, policy: 'Delete' }));
  await h.run();
  assert.deepEqual(deleted, ['pv1']);
  assert.equal(h.getPV('pv1'), undefined);
  h = new Harness(plugins({ deleteError: 'Mock delete error' })).pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'gone', uid: 'x' }, policy: 'Delete' }));
  await h.run();
  assert.equal(h.getPV('pv1')!.status?.phase, 'Failed');
  assert.equal(h.getPV('pv1')!.status?.message, 'Mock delete error');
  assert.equal(h.events.filter((e) => e.reason === 'VolumeFailedDelete' && e.message === 'Mock delete error' && e.type === 'Warning').length, 1);
});

test('hostPath deleter refuses paths outside /tmp (upstream message) — through the real plugin', async () => {
  const { HostPathPlugin } = await import('../provisioning/hostpath.js');
  const p = new HostPathPlugin({ runner: {} as never, nodeNames: () => [] });
  await assert.rejects(p.delete(newVolume('pv1', '1Gi', { hostPath: '/srv/data' })), { message: 'host_path deleter only supports /tmp/.+ but received provided /srv/data' });
});

test('Recycle: scrubbed, VolumeRecycled, Available again; in use by a pod → waits', async () => {
  const recycled: string[] = [];
  const h = new Harness(plugins({ recycled })).pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'c', uid: 'x' }, policy: 'Recycle', boundByController: true }));
  h.pods = [{ metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n', containers: [], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }, status: { phase: 'Running' } }];
  await h.run(3);
  assert.ok(h.events.some((e) => e.reason === 'VolumeFailedRecycle' && e.message === 'Volume is used by pods: default/p'));
  assert.deepEqual(recycled, []);
  h.pods = [];
  h.ctrl.volumeQueue.add('pv1');
  await h.run();
  await new Promise((r) => setTimeout(r, 20));
  await h.run();
  assert.deepEqual(recycled, ['pv1']);
  assert.equal(h.getPV('pv1')!.status?.phase, 'Available');
  assert.equal(h.getPV('pv1')!.spec.claimRef, undefined);
  assert.ok(h.events.some((e) => e.reason === 'RecyclerPod' && e.message === 'Recycler pod: Successfully assigned default/recycler-for-x'));
  assert.ok(h.events.some((e) => e.reason === 'VolumeRecycled' && e.message === 'Volume recycled'));
});

test('unknown reclaim policy → Failed with VolumeUnknownReclaimPolicy', async () => {
  const h = new Harness(plugins()).pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'gone', uid: 'x' }, policy: 'Shred' }));
  await h.run();
  assert.equal(h.getPV('pv1')!.status?.phase, 'Failed');
  assert.ok(h.events.some((e) => e.reason === 'VolumeUnknownReclaimPolicy' && e.message === 'Volume has unrecognized PersistentVolumeReclaimPolicy'));
});
