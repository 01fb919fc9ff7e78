// Binder cases of upstream binder_test.go (k8s-semantics §1.9) as before/after rows, plus crash rows:
// the controller is stopped after N writes, restarted fresh, and must finish with a consistent binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, newClaim, newVolume } from './testkit.js';
import type { PersistentVolume, PersistentVolumeClaim } from './types.js';

const BBC = 'pv.kubernetes.io/bound-by-controller';
const BC = 'pv.kubernetes.io/bind-completed';
const ann = (o: { metadata: { annotations?: Record<string, string> } } | undefined, k: string) => o?.metadata.annotations?.[k];

function assertBound(h: Harness, pvName: string, claimName: string, o: { pvBBC?: boolean; claimBBC?: boolean; capacity?: string } = {}) {
  const pv = h.getPV(pvName)!, c = h.getPVC(claimName)!;
  assert.equal(pv.spec.claimRef?.name, claimName, `${pvName} claimRef`);
  assert.equal(pv.spec.claimRef?.uid, c.metadata.uid, `${pvName} claimRef uid`);
  assert.equal(pv.status?.phase, 'Bound', `${pvName} phase`);
  assert.equal(c.spec.volumeName, pvName);
  assert.equal(c.status?.phase, 'Bound', `${claimName} phase`);
  assert.equal(ann(c, BC), 'yes');
  if (o.pvBBC !== undefined) assert.equal(ann(pv, BBC), o.pvBBC ? 'yes' : undefined, 'PV bound-by-controller');
  if (o.claimBBC !== undefined) assert.equal(ann(c, BBC), o.claimBBC ? 'yes' : undefined, 'claim bound-by-controller');
  if (o.capacity) assert.equal(c.status?.capacity?.storage, o.capacity);
  assert.deepEqual(c.status?.accessModes, pv.spec.accessModes);
}
const reasons = (h: Harness) => h.events.map((e) => `${e.type} ${e.reason}`);
const wffc = { metadata: { name: 'wait' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };

test('1-1 binds an Available volume to a Pending claim', async () => {
  const h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '1Gi'));
  await h.run();
  assertBound(h, 'pv1', 'c', { pvBBC: true, claimBBC: true, capacity: '1Gi' });
  assert.deepEqual(h.events, []);
});

test('1-2 / 1-3 too small: claim stays (or goes back to) Pending with FailedBinding', async () => {
  for (const phase of ['Pending', 'Bound']) {
    const h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '10Gi', { phase }));
    await h.run();
    assert.equal(h.getPVC('c')!.status?.phase, 'Pending');
    assert.equal(h.getPV('pv1')!.spec.claimRef, undefined);
    assert.deepEqual(h.events[0], { kind: 'PersistentVolumeClaim', name: 'c', type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' });
  }
});

test('1-4 smallest fit; 1-5 pre-bound volume wins over a smaller one and keeps no bound-by-controller', async () => {
  let h = new Harness().pv(newVolume('pvA', '10Gi')).pv(newVolume('pvB', '1Gi')).pvc(newClaim('c', '1Gi'));
  await h.run();
  assertBound(h, 'pvB', 'c');
  h = new Harness().pv(newVolume('pvA', '10Gi', { claim: { name: 'c' } })).pv(newVolume('pvB', '1Gi')).pvc(newClaim('c', '1Gi'));
  await h.run();
  assertBound(h, 'pvA', 'c', { pvBBC: false, claimBBC: true, capacity: '10Gi' });
});

test('access-mode index: fewest modes first, smallest only within one mode set', async () => {
  const h = new Harness()
    .pv(newVolume('big-rwo', '10Gi', { modes: ['ReadWriteOnce'] }))
    .pv(newVolume('small-many', '1Gi', { modes: ['ReadWriteOnce', 'ReadWriteMany'] }))
    .pvc(newClaim('c', '1Gi', { modes: ['ReadWriteOnce'] }));
  await h.run();
  assertBound(h, 'big-rwo', 'c');
});

test('1-7 volume pre-bound to another UID is not chosen', async () => {
  const h = new Harness().pv(newVolume('pv1', '1Gi', { claim: { name: 'c', uid: 'other' }, phase: 'Bound' })).pvc(newClaim('c', '1Gi', { uid: 'mine' }));
  await h.run();
  assert.equal(h.getPVC('c')!.spec.volumeName, undefined);
  assert.ok(reasons(h).includes('Normal FailedBinding'));
});

test('1-8/1-9 crash recovery: PV already has claimRef+uid, claim has no volumeName → bind completes', async () => {
  for (const phase of ['Available', 'Bound']) {
    const h = new Harness();
    h.pvc(newClaim('c', '1Gi'));
    const uid = h.getPVC('c')!.metadata.uid!;
    h.pv(newVolume('pv1', '1Gi', { claim: { name: 'c', uid }, boundByController: true, phase }));
    await h.run();
    assertBound(h, 'pv1', 'c', { pvBBC: true, claimBBC: true });
  }
});

test('1-11 / 1-12 label selector', async () => {
  let h = new Harness().pv(newVolume('pv1', '1Gi', { labels: { tier: 'gold' } })).pvc(newClaim('c', '1Gi', { selector: { matchLabels: { tier: 'gold' } } }));
  await h.run();
  assertBound(h, 'pv1', 'c');
  h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '1Gi', { selector: { matchLabels: { tier: 'gold' } } }));
  await h.run();
  assert.equal(h.getPV('pv1')!.spec.claimRef, undefined);
  assert.ok(reasons(h).includes('Normal FailedBinding'));
});

test('1-13 WaitForFirstConsumer: no binding, WaitForFirstConsumer event; 1-14 pre-bound bypasses the delay', async () => {
  let h = new Harness().sc(wffc).pv(newVolume('pv1', '1Gi', { class: 'wait' })).pvc(newClaim('c', '1Gi', { class: 'wait' }));
  await h.run();
  assert.equal(h.getPV('pv1')!.spec.claimRef, undefined);
  assert.equal(h.getPVC('c')!.status?.phase, 'Pending');
  assert.deepEqual(h.events, [{ kind: 'PersistentVolumeClaim', name: 'c', type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' }]);
  // With an unscheduled pod using it the reason names the pod.
  h.pods = [{ metadata: { name: 'web-0', namespace: 'default' }, spec: { containers: [], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }] } }];
  h.ctrl.claimQueue.add('default/c');
  await h.run();
  assert.deepEqual(h.events.at(-1), { kind: 'PersistentVolumeClaim', name: 'c', type: 'Normal', reason: 'WaitForPodScheduled', message: 'waiting for pod web-0 to be scheduled' });

  h = new Harness().sc(wffc).pv(newVolume('pv1', '1Gi', { class: 'wait', claim: { name: 'c' } })).pvc(newClaim('c', '1Gi', { class: 'wait' }));
  await h.run();
  assertBound(h, 'pv1', 'c');
});

test('1-15 claim.volumeName picks that volume; claim gets bind-completed only', async () => {
  const h = new Harness().pv(newVolume('pvA', '10Gi')).pv(newVolume('pvB', '1Gi')).pvc(newClaim('c', '1Gi', { volumeName: 'pvA' }));
  await h.run();
  assertBound(h, 'pvA', 'c', { pvBBC: true, claimBBC: false });
});

test('1-16 / 2-9 / 2-10 pre-bound claim mismatch → VolumeMismatch with upstream reasons', async () => {
  const rows: [PersistentVolume, PersistentVolumeClaim, string][] = [
    [newVolume('pv1', '1Gi'), newClaim('c', '1Gi', { volumeName: 'pv1', modes: ['ReadWriteMany'] }), 'incompatible accessMode'],
    [newVolume('pv1', '1Gi'), newClaim('c', '2Gi', { volumeName: 'pv1' }), 'requested PV is too small'],
    [newVolume('pv1', '1Gi', { class: 'gold' }), newClaim('c', '1Gi', { volumeName: 'pv1' }), 'storageClassName does not match'],
    [newVolume('pv1', '1Gi', { mode: 'Block' }), newClaim('c', '1Gi', { volumeName: 'pv1' }), 'incompatible volumeMode'],
  ];
  for (const [pv, c, why] of rows) {
    const h = new Harness().pv(pv).pvc(c);
    await h.run();
    assert.equal(h.getPVC('c')!.status?.phase, 'Pending');
    assert.equal(h.getPV('pv1')!.spec.claimRef, undefined);
    assert.deepEqual(h.events[0], { kind: 'PersistentVolumeClaim', name: 'c', type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind to requested volume "pv1": ${why}` });
  }
});

test('1-17 only Available volumes are chosen', async () => {
  const h = new Harness();
  for (const phase of ['Pending', 'Failed', 'Released', '']) h.pv(newVolume(`pv-${phase || 'none'}`, '1Gi', { phase }));
  // Stop the volume sync from promoting Pending/"" to Available: run only the claim sync.
  h.pvc(newClaim('c', '1Gi'));
  await h.ctrl.syncClaimKey('default/c');
  assert.equal(h.getPVC('c')!.spec.volumeName, undefined);
  assert.deepEqual(reasons(h), ['Normal FailedBinding']);
});

test('2-1/2-2 volumeName of a missing volume → Pending, no event; 2-3/2-4/2-5 pre-bound both sides', async () => {
  let h = new Harness().pvc(newClaim('c', '1Gi', { volumeName: 'nope', phase: 'Bound' }));
  await h.run();
  assert.equal(h.getPVC('c')!.status?.phase, 'Pending');
  assert.deepEqual(h.events, []);
  h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '1Gi', { volumeName: 'pv1' }));
  await h.run();
  assertBound(h, 'pv1', 'c', { pvBBC: true, claimBBC: false });
  h = new Harness().pv(newVolume('pv1', '1Gi', { claim: { name: 'c' } })).pvc(newClaim('c', '1Gi', { volumeName: 'pv1' }));
  await h.run();
  assertBound(h, 'pv1', 'c', { pvBBC: false, claimBBC: false });
});

test('2-6 volume bound to another claim → FailedBinding with the trailing period', async () => {
  const h = new Harness().pvc(newClaim('c1', '1Gi'));
  const uid = h.getPVC('c1')!.metadata.uid!;
  h.pv(newVolume('pv1', '1Gi', { claim: { name: 'c1', uid }, phase: 'Bound' })).pvc(newClaim('c2', '1Gi', { volumeName: 'pv1', phase: 'Bound' }));
  await h.run();
  assert.equal(h.getPVC('c2')!.status?.phase, 'Pending');
  assert.ok(h.events.some((e) => e.name === 'c2' && e.type === 'Warning' && e.reason === 'FailedBinding' && e.message === 'volume "pv1" already bound to a different claim.'));
});

test('2-8 selector is ignored for a claim that names its volume', async () => {
  const h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '1Gi', { volumeName: 'pv1', selector: { matchLabels: { x: 'y' } } }));
  await h.run();
  assertBound(h, 'pv1', 'c');
});

test('3-1 / 3-2 / 3-4 Lost claims: ClaimLost and ClaimMisbound, once', async () => {
  let h = new Harness().pvc(newClaim('c', '1Gi', { phase: 'Bound', annotations: { [BC]: 'yes' } }));
  await h.run();
  assert.equal(h.getPVC('c')!.status?.phase, 'Lost');
  assert.deepEqual(h.events, [{ kind: 'PersistentVolumeClaim', name: 'c', type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' }]);
  h.ctrl.resync(); await h.run();
  assert.equal(h.events.length, 1, 'no repeat once Lost');

  h = new Harness().pvc(newClaim('c', '1Gi', { phase: 'Bound', volumeName: 'gone', annotations: { [BC]: 'yes' } }));
  await h.run();
  assert.equal(h.events[0]!.message, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');

  h = new Harness().pv(newVolume('pv1', '1Gi', { claim: { name: 'c', uid: 'someone-else' }, phase: 'Bound' }))
    .pvc(newClaim('c', '1Gi', { phase: 'Bound', volumeName: 'pv1', annotations: { [BC]: 'yes' } }));
  await h.run();
  assert.equal(h.getPVC('c')!.status?.phase, 'Lost');
  assert.ok(h.events.some((e) => e.reason === 'ClaimMisbound' && e.message === 'Two claims are bound to the same volume, this one is bound incorrectly'));
});

test('4-1/4-2 new volumes become Available; 4-3 Retain volume of a deleted claim is Released and stays', async () => {
  let h = new Harness().pv(newVolume('pv1', '1Gi', { phase: 'Pending' })).pv(newVolume('pv2', '1Gi', { phase: 'Pending', claim: { name: 'c' } }));
  await h.run();
  assert.equal(h.getPV('pv1')!.status?.phase, 'Available');
  assert.equal(h.getPV('pv2')!.status?.phase, 'Available');
  h = new Harness().pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'c', uid: 'gone' } }));
  await h.run();
  assert.equal(h.getPV('pv1')!.status?.phase, 'Released');
  assert.equal(h.getPV('pv1')!.spec.claimRef?.uid, 'gone', 'Retain keeps the stale claimRef');
});

test('4-7 / 4-8 claim bound elsewhere: controller binding undone, user pre-binding keeps the name', async () => {
  for (const byController of [true, false]) {
    const h = new Harness().pvc(newClaim('c', '1Gi', { phase: 'Bound', volumeName: 'other', annotations: { [BC]: 'yes' } }));
    const uid = h.getPVC('c')!.metadata.uid!;
    h.pv(newVolume('other', '1Gi', { claim: { name: 'c', uid }, phase: 'Bound' }));
    h.pv(newVolume('pv1', '1Gi', { phase: 'Bound', claim: { name: 'c', uid }, boundByController: byController }));
    await h.run();
    const pv = h.getPV('pv1')!;
    assert.equal(pv.status?.phase, 'Available');
    if (byController) { assert.equal(pv.spec.claimRef, undefined); assert.equal(ann(pv, BBC), undefined); }
    else { assert.equal(pv.spec.claimRef?.name, 'c'); assert.equal(pv.spec.claimRef?.uid, ''); }
  }
});

test('13-x class beats size; class "" and nil claims only bind class-"" volumes', async () => {
  let h = new Harness().pv(newVolume('pv1', '1Gi')).pv(newVolume('pv2', '10Gi', { class: 'gold' })).pvc(newClaim('c', '1Gi', { class: 'gold' }));
  await h.run();
  assertBound(h, 'pv2', 'c');
  for (const cls of [null, '']) {
    h = new Harness().pv(newVolume('pv1', '1Gi', { class: 'gold' })).pv(newVolume('pv2', '10Gi')).pvc(newClaim('c', '1Gi', { class: cls }));
    await h.run();
    assertBound(h, 'pv2', 'c');
  }
});

test('14-x volumeMode must be equal', async () => {
  for (const [pvMode, cMode, binds] of [['Block', 'Block', true], ['Filesystem', 'Block', false], ['Block', 'Filesystem', false]] as const) {
    const h = new Harness().pv(newVolume('pv1', '1Gi', { mode: pvMode })).pvc(newClaim('c', '1Gi', { mode: cMode }));
    await h.run();
    assert.equal(h.getPVC('c')!.spec.volumeName === 'pv1', binds, `${pvMode}/${cMode}`);
  }
});

test('a claim created before its volume binds as soon as the volume becomes Available (no resync needed)', async () => {
  const h = new Harness().pvc(newClaim('c', '1Gi'));
  await h.run();
  h.pv(newVolume('pv1', '1Gi', { phase: 'Pending' }));
  await h.run();
  assertBound(h, 'pv1', 'c');
});

test('two claims never share one volume', async () => {
  const h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('a', '1Gi')).pvc(newClaim('b', '1Gi'));
  // Two parallel syncs, as two workers would run them.
  await Promise.allSettled([h.ctrl.syncClaimKey('default/a'), h.ctrl.syncClaimKey('default/b')]);
  await h.run();
  const bound = ['a', 'b'].filter((n) => h.getPVC(n)!.spec.volumeName === 'pv1');
  assert.equal(bound.length, 1);
  assert.equal(h.getPV('pv1')!.spec.claimRef?.name, bound[0]);
});

test('crash after every write of bind(): a restarted controller completes the same binding', async () => {
  for (let crashAt = 1; crashAt <= 4; crashAt++) {
    const h = new Harness().pv(newVolume('pvA', '1Gi')).pv(newVolume('pvB', '1Gi')).pvc(newClaim('c', '1Gi')).pvc(newClaim('d', '1Gi'));
    h.api.writes = 0;
    h.api.failAtWrite = crashAt;
    await h.ctrl.syncClaimKey('default/c').catch(() => {});
    const half = h.getPVC('c')!;
    const halfPV = ['pvA', 'pvB'].map((n) => h.getPV(n)!).find((pv) => pv.spec.claimRef?.name === 'c');
    h.api.failAtWrite = 0;
    h.restart();
    h.refreshCaches();
    await h.run();
    const c = h.getPVC('c')!;
    if (halfPV) assert.equal(c.spec.volumeName, halfPV.metadata.name, `crash at ${crashAt}: binding kept`);
    assertBound(h, c.spec.volumeName!, 'c');
    assertBound(h, h.getPVC('d')!.spec.volumeName!, 'd');
    assert.notEqual(h.getPVC('d')!.spec.volumeName, c.spec.volumeName, `crash at ${crashAt}: one volume per claim`);
    void half;
  }
});

test('claim with volumeName whose volume is still free (crash before the PV write) binds that volume', async () => {
  const h = new Harness().pv(newVolume('pv1', '1Gi')).pvc(newClaim('c', '1Gi', { volumeName: 'pv1', annotations: { [BBC]: 'yes' } }));
  await h.run();
  assertBound(h, 'pv1', 'c');
});

test('retroactive default StorageClass for a claim without class', async () => {
  const h = new Harness().pvc(newClaim('c', '1Gi', { class: null }));
  await h.run();
  h.sc({ metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'example.com/x', volumeBindingMode: 'Immediate' });
  await h.run();
  assert.equal(h.getPVC('c')!.spec.storageClassName, 'std');
});
