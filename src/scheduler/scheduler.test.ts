import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type GVR } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { InformerFactory } from '../client/informer.js';
import { SchedulerCache } from './cache.js';
import { defaultPlugins, startScheduler } from './index.js';
import { schedulePod } from './scheduler.js';
import { MemClient } from './testing/memclient.js';
import { CONTROL_PLANE_TAINT, UNSCHEDULABLE_TAINT, eventually, localPV, node, pod, pvc, storageClass } from './testing/fixtures.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../util/types.js';

const gvrOf: Record<string, GVR> = { Node: R.nodes, Pod: R.pods, PersistentVolume: R.persistentvolumes, PersistentVolumeClaim: R.persistentvolumeclaims, StorageClass: R.storageclasses };

async function cacheWith(objs: KObject[]): Promise<{ cache: SchedulerCache; client: MemClient; f: InformerFactory }> {
  const client = new MemClient();
  for (const o of objs) await client.create(gvrOf[o.kind!]!, o.metadata.namespace, o);
  const f = new InformerFactory(client);
  const inf = { nodes: f.for<Node>(R.nodes), pods: f.for<Pod>(R.pods), pvs: f.for<PersistentVolume>(R.persistentvolumes), pvcs: f.for<PersistentVolumeClaim>(R.persistentvolumeclaims), classes: f.for<StorageClass>(R.storageclasses) };
  const cache = new SchedulerCache(inf);
  await f.startAll();
  for (const n of inf.nodes.list()) cache.setNode(n);
  for (const p of inf.pods.list()) cache.updatePod(p);
  f.stopAll();
  return { cache, client, f };
}
function result(r: ReturnType<typeof schedulePod>): string {
  return 'node' in r ? `node:${r.node}` : 'message' in r ? r.message : `error:${r.error}`;
}

const drainCluster = () => [
  node('k8s-m', { taints: [CONTROL_PLANE_TAINT], labels: { 'node-role.kubernetes.io/control-plane': '' } }),
  node('k8s-w1', { unschedulable: true, taints: [UNSCHEDULABLE_TAINT] }), node('k8s-w2'), node('k8s-w3'),
  storageClass('local-storage'),
  localPV('pv1', 'k8s-w1', { claim: { name: 'data' } , phase: 'Bound' }), pvc('data', { volumeName: 'pv1', bound: true }),
];

function zonalPV(zone: string): PersistentVolume {
  const pv = localPV('pv', 'any', { claim: { name: 'c' }, phase: 'Bound' });
  delete pv.spec.nodeAffinity;
  pv.metadata.labels = { 'topology.kubernetes.io/zone': zone };
  return pv;
}

const cases: Array<{ name: string; objs: () => KObject[]; pod: Pod; want: string | RegExp }> = [
  { name: 'seed 004 drain: pinned volume, cordoned node, control plane', objs: drainCluster, pod: pod('date-pod-x', { claims: ['data'] }),
    want: '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.' },
  { name: 'missing claim (PreFilter)', objs: drainCluster, pod: pod('p', { claims: ['jenkins-pv-claim'] }),
    want: '0/4 nodes are available: persistentvolumeclaim "jenkins-pv-claim" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.' },
  { name: 'unbound immediate claim', objs: () => [node('a'), node('b'), storageClass('imm', { mode: 'Immediate', provisioner: 'x.io/p' }), pvc('c', { cls: 'imm' })], pod: pod('p', { claims: ['c'] }),
    want: '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.' },
  { name: 'insufficient cpu is resolvable by preemption (no victims)', objs: () => [node('a', { cpu: '1' }), node('b', { cpu: '1', taints: [{ key: 'x', value: 'y', effect: 'NoExecute' }] })], pod: pod('p', { cpu: '2' }),
    want: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {x: y}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.' },
  { name: 'counts sort as strings', objs: () => [...Array.from({ length: 10 }, (_, i) => node(`n${i}`, { labels: { zone: 'a' } })), node('x1', { unschedulable: true }), node('x2', { unschedulable: true })], pod: pod('p', { nodeSelector: { zone: 'b' } }),
    want: "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 node(s) were unschedulable. preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling." },
  { name: 'too many pods and memory', objs: () => [node('a', { pods: '1', memory: '1Gi' }), pod('q', { nodeName: 'a' })], pod: pod('p', { memory: '2Gi' }),
    want: '0/1 nodes are available: 1 Insufficient memory, 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
  { name: 'host port in use', objs: () => [node('a'), pod('q', { nodeName: 'a', hostPort: 8080 })], pod: pod('p', { hostPort: 8080 }),
    want: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod." },
  { name: 'WFFC static PV only on one node', objs: () => [node('a'), node('b'), storageClass('local-storage'), localPV('pv-b', 'b'), pvc('c')], pod: pod('p', { claims: ['c'] }), want: 'node:b' },
  { name: 'WFFC no PV and no provisioner', objs: () => [node('a'), storageClass('local-storage'), pvc('c')], pod: pod('p', { claims: ['c'] }),
    want: "0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." },
  { name: 'WFFC PV too small', objs: () => [node('a'), storageClass('local-storage'), localPV('pv-a', 'a', { size: '1Gi' }), pvc('c', { size: '5Gi' })], pod: pod('p', { claims: ['c'] }),
    want: /didn't find available persistent volumes to bind/ },
  { name: 'WFFC provisioner with allowedTopologies', objs: () => [node('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } }), node('b', { labels: { 'topology.kubernetes.io/zone': 'z2' } }), storageClass('local-storage', { provisioner: 'rancher.io/local-path', zones: ['z2'] }), pvc('c')], pod: pod('p', { claims: ['c'] }), want: 'node:b' },
  { name: 'ReadWriteOncePod claim in use', objs: () => [node('a'), node('b'), storageClass('local-storage'), localPV('pv', 'a', { claim: { name: 'c' }, phase: 'Bound' }), pvc('c', { volumeName: 'pv', bound: true, modes: ['ReadWriteOncePod'] }), pod('q', { nodeName: 'a', claims: ['c'] })], pod: pod('p', { claims: ['c'] }),
    want: '0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.' },
  { name: 'tolerated taint schedules', objs: () => [node('a', { taints: [CONTROL_PLANE_TAINT] })], pod: pod('p', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }), want: 'node:a' },
  { name: 'limits stand in for unset requests', objs: () => [node('a', { cpu: '1' })], pod: (() => { const p = pod('p'); p.spec.containers[0]!.resources = { limits: { cpu: '1500m' } }; return p; })(),
    want: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
  { name: 'VolumeZone: bound PV labelled with another zone', objs: () => [node('b', { labels: { 'topology.kubernetes.io/zone': 'z2' } }), storageClass('local-storage'), zonalPV('z1'), pvc('c', { volumeName: 'pv', bound: true })], pod: pod('p', { claims: ['c'] }),
    want: '0/1 nodes are available: 1 node(s) had no available volume zone. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' },
  { name: 'VolumeZone: matching zone', objs: () => [node('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } }), node('b', { labels: { 'topology.kubernetes.io/zone': 'z2' } }), storageClass('local-storage'), zonalPV('z1'), pvc('c', { volumeName: 'pv', bound: true })], pod: pod('p', { claims: ['c'] }), want: 'node:a' },
  { name: 'required node affinity NotIn', objs: () => [node('a'), node('b')], pod: (() => { const p = pod('p'); p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['a'] }] }] } } }; return p; })(), want: 'node:b' },
  { name: 'claim being deleted', objs: () => [node('a'), storageClass('local-storage'), { ...pvc('c'), metadata: { ...pvc('c').metadata, finalizers: ['kubernetes.io/pvc-protection'], deletionTimestamp: '2026-01-01T00:00:00Z' } }], pod: pod('p', { claims: ['c'] }),
    want: '0/1 nodes are available: persistentvolumeclaim "c" is being deleted. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' },
  { name: 'no nodes', objs: () => [], pod: pod('p'), want: 'error:no nodes available to schedule pods' },
];

for (const c of cases) {
  test(`schedulePod: ${c.name}`, async () => {
    const { cache, client } = await cacheWith(c.objs());
    const got = result(schedulePod(c.pod, cache, defaultPlugins(client)));
    if (typeof c.want === 'string') assert.equal(got, c.want); else assert.match(got, c.want);
  });
}

test('spreads pods over nodes with least allocation and fewest pods', async () => {
  const { cache, client } = await cacheWith([node('a'), node('b'), node('c')]);
  const plugins = defaultPlugins(client);
  const counts = new Map<string, number>();
  for (let i = 0; i < 30; i++) {
    const r = schedulePod(pod(`p${i}`), cache, plugins);
    assert.ok('node' in r);
    cache.assume(pod(`p${i}`), r.node);
    counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()], [10, 10, 10]);
});

test('scheduler binds, records Scheduled, and reports FailedScheduling with the PodScheduled condition', async () => {
  const client = new MemClient();
  for (const o of drainCluster()) await client.create(gvrOf[o.kind!]!, o.metadata.namespace, o);
  const f = new InformerFactory(client);
  const s = await startScheduler({ client, informers: f });
  try {
    await client.create(R.pods, 'default', pod('free'));
    await client.create(R.pods, 'default', pod('stuck', { claims: ['data'] }));
    const bound = await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'free')).spec.nodeName, 2000, 'binding');
    assert.match(bound, /^k8s-w[23]$/);
    const events = await eventually(() => client.all(R.events).length >= 2 ? client.all(R.events) : undefined, 2000, 'events');
    const sched = events.find((e) => e.reason === 'Scheduled')!;
    assert.equal(sched.message, `Successfully assigned default/free to ${bound}`);
    assert.deepEqual(sched.source, { component: 'default-scheduler' });
    const failed = events.find((e) => e.reason === 'FailedScheduling')!;
    assert.equal(failed.type, 'Warning');
    const msg = '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';
    assert.equal(failed.message, msg);
    const stuck = await eventually(async () => { const p = await client.get<Pod>(R.pods, 'default', 'stuck'); return p.status?.conditions?.length ? p : undefined; });
    assert.deepEqual({ ...stuck.status!.conditions![0], lastTransitionTime: undefined }, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: undefined, reason: 'Unschedulable', message: msg });
    // uncordon: the node change moves the pod back and it lands on k8s-w1
    await client.patch(R.nodes, undefined, 'k8s-w1', 'merge', { spec: { unschedulable: null, taints: null } });
    assert.equal(await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'stuck')).spec.nodeName, 2000, 'rebind'), 'k8s-w1');
  } finally { s.stop(); f.stopAll(); }
});

test('pods with scheduling gates wait until the gates are removed', async () => {
  const client = new MemClient();
  await client.create(R.nodes, undefined, node('a'));
  const f = new InformerFactory(client);
  const s = await startScheduler({ client, informers: f });
  try {
    const p = pod('gated'); (p.spec as { schedulingGates?: unknown[] }).schedulingGates = [{ name: 'example.com/wait' }];
    await client.create(R.pods, 'default', p);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await client.get<Pod>(R.pods, 'default', 'gated')).spec.nodeName, undefined);
    await client.patch(R.pods, 'default', 'gated', 'merge', { spec: { schedulingGates: null } });
    assert.equal(await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'gated')).spec.nodeName, 2000, 'bound'), 'a');
  } finally { s.stop(); f.stopAll(); }
});

test('WaitForFirstConsumer: static PV pre-bound at PreBind, provisioning claim annotated, pod bound only after claims are Bound', async () => {
  const client = new MemClient();
  for (const o of [node('a'), node('b'), storageClass('local-storage'), storageClass('local-path', { provisioner: 'rancher.io/local-path' }), localPV('pv-b', 'b'), pvc('static'), pvc('dyn', { cls: 'local-path' })])
    await client.create(gvrOf[o.kind!]!, o.metadata.namespace, o);
  const f = new InformerFactory(client);
  const s = await startScheduler({ client, informers: f });
  try {
    await client.create(R.pods, 'default', pod('p', { claims: ['static', 'dyn'] }));
    const pv = await eventually(async () => (await client.get<PersistentVolume>(R.persistentvolumes, undefined, 'pv-b')).spec.claimRef, 2000, 'claimRef');
    assert.equal(pv.name, 'static');
    const dyn = await eventually(async () => (await client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default', 'dyn')).metadata.annotations?.['volume.kubernetes.io/selected-node']);
    assert.equal(dyn, 'b');
    assert.equal((await client.get<Pod>(R.pods, 'default', 'p')).spec.nodeName, undefined, 'not bound before the claims');
    // Play the PV controller and provisioner.
    await client.patch(R.persistentvolumeclaims, 'default', 'static', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pv-b' } });
    await client.create(R.persistentvolumes, undefined, localPV('pvc-dyn', 'b', { cls: 'local-path' }));
    await client.patch(R.persistentvolumeclaims, 'default', 'dyn', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pvc-dyn' } });
    assert.equal(await eventually(async () => (await client.get<Pod>(R.pods, 'default', 'p')).spec.nodeName, 2000, 'bind'), 'b');
  } finally { s.stop(); f.stopAll(); }
});
