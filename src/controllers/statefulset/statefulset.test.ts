import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import type { PersistentVolumeClaim, Pod } from '../../util/types.js';
import { harness, markReady } from '../replicaset/testing.js';
import type { MemClient } from '../../scheduler/testing/memclient.js';
import { claimsFor, newPod, newStatefulSetController, parentAndOrdinal, type StatefulSet } from './statefulset.js';

const sts = (o: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: {
    replicas: 3, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, podManagementPolicy: 'OrderedReady',
    ...o,
  },
});

test('parentAndOrdinal and pod/claim identity', () => {
  assert.deepEqual(parentAndOrdinal('my-app-sts-12'), { parent: 'my-app-sts', ordinal: 12 });
  assert.equal(parentAndOrdinal('web'), undefined);
  const p = newPod(sts(), 1, 'web-abc');
  assert.equal(p.metadata.name, 'web-1');
  assert.deepEqual(p.metadata.labels, { app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'web-abc' });
  assert.equal(p.spec.hostname, 'web-1');
  assert.equal(p.spec.subdomain, 'nginx');
  assert.deepEqual(p.spec.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
  const [c] = claimsFor(sts(), 2);
  assert.equal(c!.metadata.name, 'www-web-2');
  assert.deepEqual(c!.metadata.labels, { tier: 'data', app: 'nginx' });
});

const pods = (h: { client: MemClient }) => h.client.all<Pod>(R.pods).map((p) => p.metadata.name).sort();

test('OrderedReady: claims before pods, one ordinal at a time, scale down from the top', async () => {
  const h = await harness([newStatefulSetController]);
  try {
    await h.client.create(R.statefulsets, 'default', sts());
    await eventually(() => pods(h).length === 1, 2000, 'web-0');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(pods(h), ['web-0'], 'web-1 waits for web-0 to be Ready');
    const acts = h.client.actions.filter((a) => a.startsWith('create persistentvolumeclaims') || a.startsWith('create pods'));
    assert.deepEqual(acts, ['create persistentvolumeclaims default/www-web-0', 'create pods default/web-0']);
    for (let i = 0; i < 3; i++) {
      await markReady(h.client, await h.client.get<Pod>(R.pods, 'default', `web-${i}`));
      if (i < 2) await eventually(() => pods(h).includes(`web-${i + 1}`), 2000, `web-${i + 1}`);
    }
    const st = await eventually(async () => { const s = await h.client.get<StatefulSet>(R.statefulsets, 'default', 'web'); return s.status?.readyReplicas === 3 ? s.status : undefined; }, 2000, 'ready 3');
    assert.equal(st.replicas, 3); assert.equal(st.updatedReplicas, 3); assert.equal(st.currentReplicas, 3); assert.equal(st.availableReplicas, 3);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.match(st.updateRevision!, /^web-\w+$/);
    assert.equal((await h.client.get<Pod>(R.pods, 'default', 'web-2')).metadata.labels?.['controller-revision-hash'], st.updateRevision);
    // Events are recorded asynchronously (the recorder does not hold up the sync): wait for them.
    const want = ['create Claim www-web-0 Pod web-0 in StatefulSet web success', 'create Pod web-0 in StatefulSet web successful'];
    await eventually(() => { const msgs = h.client.all(R.events).map((e) => e.message); return want.every((m) => msgs.includes(m)); }, 2000, 'SuccessfulCreate events');

    await h.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await eventually(() => pods(h).length === 1, 2000, 'scale down');
    const dels = h.client.actions.filter((a) => a.startsWith('delete pods'));
    assert.deepEqual(dels, ['delete pods default/web-2', 'delete pods default/web-1']);
    await eventually(() => h.client.all(R.events).some((e) => e.message === 'delete Pod web-2 in StatefulSet web successful'), 2000, 'SuccessfulDelete event');
    assert.equal(h.client.all(R.persistentvolumeclaims).length, 3, 'claims retained by default');
  } finally { h.stop(); }
});

test('Parallel creates every pod at once; whenDeleted/whenScaled Delete set claim owners', async () => {
  const h = await harness([newStatefulSetController]);
  try {
    await h.client.create(R.statefulsets, 'default', sts({ podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await eventually(() => pods(h).length === 3, 2000, 'parallel');
    const set = await h.client.get<StatefulSet>(R.statefulsets, 'default', 'web');
    for (const c of h.client.all<PersistentVolumeClaim>(R.persistentvolumeclaims))
      assert.deepEqual(c.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid]), [['StatefulSet', 'web', set.metadata.uid]]);
    await h.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 2 } });
    await eventually(() => pods(h).length === 2, 2000, 'scaled');
    const c2 = await h.client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default', 'www-web-2');
    assert.deepEqual(c2.metadata.ownerReferences?.map((r) => [r.kind, r.name]), [['Pod', 'web-2']]);
  } finally { h.stop(); }
});

test('RollingUpdate with partition updates only ordinals >= partition, highest first', async () => {
  const h = await harness([newStatefulSetController], { autoReady: true });
  try {
    await h.client.create(R.statefulsets, 'default', sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    const s1 = await eventually(async () => { const s = await h.client.get<StatefulSet>(R.statefulsets, 'default', 'web'); return s.status?.readyReplicas === 3 ? s.status : undefined; }, 3000, 'ready');
    await h.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { template: { metadata: { labels: { app: 'nginx' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } } } });
    const s2 = await eventually(async () => { const s = await h.client.get<StatefulSet>(R.statefulsets, 'default', 'web'); return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 ? s.status : undefined; }, 3000, 'partitioned update');
    assert.notEqual(s2.updateRevision, s1.updateRevision);
    assert.equal(s2.currentRevision, s1.currentRevision);
    const rev = async (n: string) => (await h.client.get<Pod>(R.pods, 'default', n)).metadata.labels?.['controller-revision-hash'];
    assert.equal(await rev('web-0'), s1.updateRevision);
    assert.equal(await rev('web-1'), s2.updateRevision);
    assert.equal(await rev('web-2'), s2.updateRevision);
    const dels = h.client.actions.filter((a) => a.startsWith('delete pods'));
    assert.deepEqual(dels, ['delete pods default/web-2', 'delete pods default/web-1']);
    assert.equal(h.client.all(R.controllerrevisions).length, 2);
  } finally { h.stop(); }
});

test('a claim being deleted blocks its pod with the upstream FailedCreate message', async () => {
  const h = await harness([newStatefulSetController]);
  try {
    await h.client.create(R.persistentvolumeclaims, 'default', { metadata: { name: 'www-web-0', finalizers: ['kubernetes.io/pvc-protection'] }, spec: {} });
    await h.client.delete(R.persistentvolumeclaims, 'default', 'www-web-0');
    await h.client.create(R.statefulsets, 'default', sts({ replicas: 1 }));
    const ev = await eventually(() => h.client.all(R.events).find((e) => e.reason === 'FailedCreate'), 2000, 'FailedCreate');
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted');
    assert.equal(h.client.all(R.pods).length, 0);
  } finally { h.stop(); }
});
