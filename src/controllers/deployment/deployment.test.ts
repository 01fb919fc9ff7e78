import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { newReplicaSetController, type ReplicaSet } from '../replicaset/replicaset.js';
import { harness } from '../replicaset/testing.js';
import { newDeploymentController, type Deployment } from './deployment.js';
import { newRSNewReplicas, oldRSTargets, resolveFenceposts } from './rolling.js';

const rs = (name: string, spec: number, available: number, created = '2026-01-01T00:00:00Z'): ReplicaSet =>
  ({ metadata: { name, creationTimestamp: created }, spec: { replicas: spec, selector: {}, template: {} }, status: { replicas: spec, availableReplicas: available } });

test('resolveFenceposts rounds surge up and unavailable down', () => {
  assert.deepEqual(resolveFenceposts(undefined, undefined, 2), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts(0, 0, 3), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, '50%', 3), { surge: 2, unavailable: 1 });
});

test('rolling update steps: new set surges, old set scaled down only as availability allows', () => {
  // replicas 3, surge 1, unavailable 0: old 3/3 available, new 0
  const old = rs('old', 3, 3), nw = rs('new', 0, 0);
  assert.equal(newRSNewReplicas(3, 1, [old, nw], nw), 1);
  nw.spec.replicas = 1; nw.status = { replicas: 1, availableReplicas: 0 };
  assert.deepEqual([...oldRSTargets(3, 0, [old], nw)], [], 'new pod not available yet: keep old');
  nw.status.availableReplicas = 1;
  assert.deepEqual([...oldRSTargets(3, 0, [old], nw)].map(([r, n]) => [r.metadata.name, n]), [['old', 2]]);
  // unhealthy old replicas go first, regardless of availability budget
  const sick = rs('sick', 2, 0, '2025-01-01T00:00:00Z');
  assert.deepEqual([...oldRSTargets(3, 0, [sick, rs('old', 3, 3)], rs('new', 1, 0))].map(([r, n]) => [r.metadata.name, n]), [['sick', 0]]);
});

const deploy = (image: string, replicas = 2): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10 },
});
const complete = (d: Deployment) => (d.metadata.generation ?? 0) <= (d.status?.observedGeneration ?? 0) && d.status?.updatedReplicas === d.spec.replicas && d.status?.replicas === d.spec.replicas && d.status?.availableReplicas === d.spec.replicas;

test('Deployment rollout, rollout undo (template patched back) and revisions', async () => {
  const h = await harness([newReplicaSetController, newDeploymentController], { autoReady: true });
  try {
    await h.client.create(R.deployments, 'default', deploy('nginx:1'));
    const d1 = await eventually(async () => { const d = await h.client.get<Deployment>(R.deployments, 'default', 'web'); return complete(d) ? d : undefined; }, 3000, 'first rollout');
    assert.equal(d1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const cond = (d: Deployment, t: string) => d.status!.conditions!.find((c) => c.type === t)!;
    assert.equal(cond(d1, 'Available').reason, 'MinimumReplicasAvailable');
    assert.equal(cond(d1, 'Available').message, 'Deployment has minimum availability.');
    const rs1 = h.client.all<ReplicaSet>(R.replicasets)[0]!;
    assert.equal(cond(d1, 'Progressing').message, `ReplicaSet "${rs1.metadata.name}" has successfully progressed.`);
    const hash = rs1.metadata.labels!['pod-template-hash']!;
    assert.equal(rs1.metadata.name, `web-${hash}`);
    assert.deepEqual(rs1.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    const scaling = () => h.client.all(R.events).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => String(e.message));
    // Events are recorded asynchronously: wait for them before comparing.
    await eventually(() => scaling().length >= 1, 2000, 'ScalingReplicaSet event');
    assert.deepEqual(scaling(), [`Scaled up replica set ${rs1.metadata.name} from 0 to 2`]);
    for (const p of h.client.all<Pod>(R.pods)) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);

    // New image: a second set takes over.
    await h.client.patch(R.deployments, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    const d2 = await eventually(async () => { const d = await h.client.get<Deployment>(R.deployments, 'default', 'web'); return complete(d) && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' ? d : undefined; }, 5000, 'second rollout');
    assert.equal(d2.status!.replicas, 2);
    const sets = h.client.all<ReplicaSet>(R.replicasets);
    assert.equal(sets.length, 2);
    const rs2 = sets.find((r) => r.metadata.name !== rs1.metadata.name)!;
    assert.equal(rs2.spec.replicas, 2);
    assert.equal(sets.find((r) => r.metadata.name === rs1.metadata.name)!.spec.replicas, 0);
    await eventually(() => h.client.all<Pod>(R.pods).every((p) => p.spec.containers[0]!.image === 'nginx:2') && h.client.all(R.pods).length === 2, 3000, 'old pods gone');

    // rollout undo: kubectl patches the template back to revision 1's; the old set comes back as revision 3.
    await h.client.patch(R.deployments, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } } });
    await eventually(async () => { const d = await h.client.get<Deployment>(R.deployments, 'default', 'web'); return complete(d) && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3'; }, 5000, 'undo');
    const back = await h.client.get<ReplicaSet>(R.replicasets, 'default', rs1.metadata.name!);
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.spec.replicas, 2);
  } finally { h.stop(); }
});

test('Recreate scales the old set to zero before the new one starts', async () => {
  const h = await harness([newReplicaSetController, newDeploymentController], { autoReady: true });
  try {
    const d = deploy('a:1', 3); d.spec.strategy = { type: 'Recreate' };
    await h.client.create(R.deployments, 'default', d);
    await eventually(async () => complete(await h.client.get<Deployment>(R.deployments, 'default', 'web')), 3000, 'first');
    await h.client.patch(R.deployments, 'default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'a:2' }] } } } });
    await eventually(async () => { const x = await h.client.get<Deployment>(R.deployments, 'default', 'web'); return complete(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2'; }, 3000, 'second');
    await eventually(() => h.client.all(R.events).filter((e) => e.reason === 'ScalingReplicaSet').length >= 3, 2000, 'ScalingReplicaSet events');
    const msgs = h.client.all(R.events).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => String(e.message).replace(/web-\w+/, 'RS'));
    assert.deepEqual(msgs, ['Scaled up replica set RS from 0 to 3', 'Scaled down replica set RS from 3 to 0', 'Scaled up replica set RS from 0 to 3']);
    // Pod creations of the new set happen only after every old pod was deleted.
    const acts = h.client.actions.filter((a) => a.startsWith('create pods') || a.startsWith('delete pods'));
    const lastDelete = acts.map((a) => a.startsWith('delete')).lastIndexOf(true);
    assert.equal(acts.slice(lastDelete + 1).length, 3);
  } finally { h.stop(); }
});
