// Protection finalizers: which pods keep a claim (upstream podUsesPVC) and when the PV finalizer goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryApi } from '../pvbinder/testkit.js';
import { R } from '../../api/gvr.js';
import { podUsesClaim, PVCProtectionController, PVProtectionController } from './protection.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../pvbinder/types.js';

const claim = (o: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', ...o }, spec: {},
});
const pod = (name: string, nodeName: string | undefined, phase: string, vol: Pod['spec']['volumes'] = [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }]): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [], volumes: vol }, status: { phase },
});

test('podUsesClaim: scheduled pods in any phase keep the claim; unscheduled ones do not', () => {
  const c = claim();
  assert.equal(podUsesClaim(pod('a', 'n1', 'Running'), c), true);
  assert.equal(podUsesClaim(pod('b', 'n1', 'Succeeded'), c), true, 'phase is not checked for PVC volumes');
  assert.equal(podUsesClaim(pod('c', undefined, 'Pending'), c), false, 'unscheduled pods do not block');
  assert.equal(podUsesClaim(pod('d', 'n1', 'Running', [{ name: 'v', persistentVolumeClaim: { claimName: 'other' } }]), c), false);
  // Generic ephemeral volume: claim <pod>-<volume>, only while the pod is not shut down.
  const eph = claim({ name: 'e-scratch' });
  assert.equal(podUsesClaim(pod('e', 'n1', 'Running', [{ name: 'scratch', ephemeral: {} }]), eph), true);
  assert.equal(podUsesClaim(pod('e', 'n1', 'Failed', [{ name: 'scratch', ephemeral: {} }]), eph), false);
});

test('PVC protection: adds the finalizer, keeps it while used, removes it when the last user goes', async () => {
  const api = new MemoryApi();
  let pods: Pod[] = [];
  const get = (k: string) => { const o = api.objects.get(`persistentvolumeclaims/${k}`); return o ? structuredClone(o) as PersistentVolumeClaim : undefined; };
  const ctrl = new PVCProtectionController({ client: api, getClaim: get, podsForClaim: () => pods });
  api.seed(R.persistentvolumeclaims, claim());
  await ctrl.sync('default/data');
  assert.deepEqual(get('default/data')!.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const cur = get('default/data')!;
  cur.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  api.objects.set('persistentvolumeclaims/default/data', cur);
  pods = [pod('a', 'n1', 'Succeeded')];
  api.seed(R.pods, pods[0]!);
  await ctrl.sync('default/data');
  assert.deepEqual(get('default/data')!.metadata.finalizers, ['kubernetes.io/pvc-protection'], 'a completed pod still holds it');
  pods = [];
  api.objects.delete('pods/default/a');
  api.seed(R.pods, pod('b', undefined, 'Pending'));
  await ctrl.sync('default/data');
  assert.deepEqual(get('default/data')!.metadata.finalizers, [], 'an unscheduled pod does not');
});

test('PV protection: finalizer removed from a deleted volume only when not Bound', async () => {
  const api = new MemoryApi();
  const get = (n: string) => { const o = api.objects.get(`persistentvolumes//${n}`); return o ? structuredClone(o) as PersistentVolume : undefined; };
  const ctrl = new PVProtectionController({ client: api, getVolume: get });
  api.seed(R.persistentvolumes, { metadata: { name: 'pv', finalizers: ['kubernetes.io/pv-protection'], deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: {}, status: { phase: 'Bound' } });
  await ctrl.sync('pv');
  assert.deepEqual(get('pv')!.metadata.finalizers, ['kubernetes.io/pv-protection']);
  const v = get('pv')!; v.status = { phase: 'Released' }; api.objects.set('persistentvolumes//pv', v);
  await ctrl.sync('pv');
  assert.deepEqual(get('pv')!.metadata.finalizers, []);
});
