import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { applyPatch } from './patch.js';
import { ensureGenerated } from './testing.js';

before(() => ensureGenerated());
const deploy = { group: 'apps', version: 'v1', kind: 'Deployment' };
const pod = { group: '', version: 'v1', kind: 'Pod' };
const node = { group: '', version: 'v1', kind: 'Node' };
const buf = (v: unknown) => Buffer.from(JSON.stringify(v));
const live = (): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' }, annotations: { a: '1' } },
  spec: { replicas: 2, template: { spec: { containers: [
    { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '0' }, { name: 'B', value: '2' }] },
  ] } } },
});

test('SMP (captured kubectl body): $setElementOrder orders containers, merge by name, null deletes ports and labels', () => {
  const out = applyPatch('strategic', live(), buf({ metadata: { annotations: { x: 'y' }, labels: null },
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }],
      containers: [{ args: ['sleep', '1000'], image: 'busybox', name: 'sidecar' }, { env: [{ name: 'A', value: '1' }], name: 'nginx', ports: null }] } } } }), deploy);
  assert.deepEqual(out.metadata, { name: 'web', annotations: { a: '1', x: 'y' } });
  assert.deepEqual((out.spec as any).template.spec.containers, [
    { args: ['sleep', '1000'], image: 'busybox', name: 'sidecar' },
    { name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
  ]);
});

test('SMP (captured kubectl body): $patch delete removes a keyed item, env null removes the list, ports replaced by key', () => {
  const withSidecar = live();
  (withSidecar.spec as any).template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
  const out = applyPatch('strategic', withSidecar, buf({ metadata: { labels: { app: 'web' } }, spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'nginx' }],
    containers: [{ env: null, name: 'nginx', ports: [{ containerPort: 8080 }] }, { $patch: 'delete', name: 'sidecar' }] } } } }), deploy);
  assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080 }] }]);
});

test('SMP: atomic lists (tolerations, node taints) are replaced; finalizers merge as a set; $deleteFromPrimitiveList', () => {
  const p: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['a', 'b'] }, spec: { tolerations: [{ key: 'x' }], containers: [{ name: 'c' }] } };
  const out = applyPatch('strategic', p, buf({ metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] }, spec: { tolerations: [{ key: 'y' }] } }), pod);
  assert.deepEqual(out.metadata.finalizers, ['b', 'c']);
  assert.deepEqual((out.spec as any).tolerations, [{ key: 'y' }]);
  const n: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } };
  assert.deepEqual((applyPatch('strategic', n, buf({ spec: { taints: [{ key: 'b', effect: 'NoSchedule' }] } }), node).spec as any).taints, [{ key: 'b', effect: 'NoSchedule' }]);
  // cordon / uncordon bodies (kubectl-protocol §5.10)
  const cordoned = applyPatch('strategic', n, buf({ spec: { unschedulable: true } }), node);
  assert.equal((cordoned.spec as any).unschedulable, true);
  assert.equal('unschedulable' in (applyPatch('strategic', cordoned, buf({ spec: { unschedulable: null } }), node).spec as any), false);
});

test('SMP: $retainKeys on volumes drops the old volume source; $patch replace on an object and a list', () => {
  const p: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a' }] }], volumes: [{ name: 'v', emptyDir: {} }] } };
  const out = applyPatch('strategic', p, buf({ spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } }), pod);
  assert.deepEqual((out.spec as any).volumes, [{ name: 'v', hostPath: { path: '/x' } }]);
  const out2 = applyPatch('strategic', p, buf({ spec: { containers: [{ name: 'c', volumeMounts: [{ $patch: 'replace' }, { name: 'w', mountPath: '/b' }] }] } }), pod);
  assert.deepEqual((out2.spec as any).containers[0].volumeMounts, [{ name: 'w', mountPath: '/b' }]);
  const out3 = applyPatch('strategic', { ...p, metadata: { name: 'p', labels: { a: '1', b: '2' } } }, buf({ metadata: { labels: { $patch: 'replace', c: '3' } } }), pod);
  assert.deepEqual(out3.metadata.labels, { c: '3' });
});

test('SMP: a keyed list item without its merge key is a 422', () => {
  assert.throws(() => applyPatch('strategic', live(), buf({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), deploy),
    (e: unknown) => e instanceof StatusError && e.code === 422 && e.details?.causes?.[0]?.message === 'map: {"image":"x"} does not contain declared merge key: name');
});

test('merge patch (kubectl scale body) and RFC 7386 null deletion', () => {
  const out = applyPatch('merge', live(), buf({ spec: { replicas: 5 }, metadata: { labels: null } }), deploy);
  assert.equal((out.spec as any).replicas, 5);
  assert.equal(out.metadata.labels, undefined);
  assert.deepEqual((out.spec as any).template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
});

test('JSON patch: ops apply; a failed test op and a missing path are 422s with the json-patch text', () => {
  const out = applyPatch('json', live(), buf([{ op: 'replace', path: '/spec/replicas', value: 7 }, { op: 'add', path: '/metadata/labels/x', value: 'y' }]), deploy);
  assert.equal((out.spec as any).replicas, 7);
  assert.equal(out.metadata.labels?.x, 'y');
  assert.throws(() => applyPatch('json', live(), buf([{ op: 'test', path: '/spec/replicas', value: 3 }]), deploy), (e: unknown) =>
    e instanceof StatusError && e.code === 422 && e.reason === 'Invalid' && e.message === 'the server rejected our request due to an error in our request' &&
    e.details?.causes?.[0]?.message === 'testing value /spec/replicas failed: test failed');
  assert.throws(() => applyPatch('json', live(), buf([{ op: 'replace', path: '/spec/nope/x', value: 1 }]), deploy), (e: unknown) => e instanceof StatusError && e.code === 422);
  assert.throws(() => applyPatch('json', live(), buf({ op: 'add' }), deploy), (e: unknown) => e instanceof StatusError && e.code === 400 &&
    e.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
});

test('bad patch JSON is a 400 with the Go parser text', () => {
  assert.throws(() => applyPatch('merge', live(), Buffer.from('{"spec":'), deploy), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'unexpected end of JSON input');
});
