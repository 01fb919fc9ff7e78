import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, type FieldError } from '../../../api/field.js';
import { namespace, type Namespace } from './namespace.js';
import { node, type Node } from './node.js';
import { configMap } from './configmap.js';
import { secret, type Secret } from './secret.js';
import { serviceAccount } from './serviceaccount.js';
import { event, type CoreEvent } from './event.js';
import { event as eventsV1 } from '../events/event.js';
import { selfSubjectAccessReview } from '../authorization/selfsubjectaccessreview.js';
import { allKinds } from '../index.js';

const ctx = { now: new Date('2024-05-01T12:00:00Z'), dryRun: false };
const msg = (errs: FieldError[]) => (errs.length ? aggregate(errs) : '');
const DNS_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('Namespace: name label, Active, kubernetes finalizer, DNS-1123 label names', () => {
  const ns: Namespace = { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'spoofed' } } };
  namespace.defaults!(ns);
  namespace.prepareForCreate!(ns, ctx);
  assert.equal(ns.metadata.labels!['kubernetes.io/metadata.name'], 'team-a');
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(namespace.validate!(ns, ctx), []);
  assert.equal(msg(namespace.validate!({ metadata: { name: 'Team_A' } }, ctx)), `metadata.name: Invalid value: "Team_A": ${DNS_LABEL}`);
  assert.equal(msg(namespace.validate!({ metadata: { name: 'a.b' } }, ctx)), 'metadata.name: Invalid value: "a.b": must not contain dots');
  const upd: Namespace = structuredClone(ns); upd.spec = { finalizers: [] }; upd.status = { phase: 'Terminating' };
  namespace.prepareForUpdate!(upd, ns, ctx);
  assert.deepEqual([upd.spec, upd.status], [{ finalizers: ['kubernetes'] }, { phase: 'Active' }]);
  const st: Namespace = structuredClone(ns); st.status = { phase: 'Terminating' };
  assert.equal(msg(namespace.validateStatusUpdate!(st, ns, ctx)), `status.Phase: Invalid value: "Terminating": may only be 'Active' if \`deletionTimestamp\` is empty`);
  assert.deepEqual(namespace.printer!.cells({ ...ns, metadata: { ...ns.metadata, creationTimestamp: '2024-04-30T12:00:00Z' } }, ctx.now), ['team-a', 'Active', '24h']);
  assert.equal(namespace.fieldSelectors!['status.phase']!(ns), 'Active');
});

test('Node: status kept on create, printer status/roles/version/wide cells, taints', () => {
  const n: Node = {
    metadata: { name: 'node-a', creationTimestamp: '2024-05-01T11:59:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' } },
    spec: { unschedulable: true },
    status: {
      capacity: { cpu: '2', memory: '4Gi' }, conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'node-a' }],
      nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: '' },
    },
  };
  node.defaults!(n);
  assert.deepEqual(n.status!.allocatable, { cpu: '2', memory: '4Gi' });
  assert.deepEqual(node.validate!(n, ctx), []);
  assert.deepEqual(node.printer!.cells(n, ctx.now), ['node-a', 'Ready,SchedulingDisabled', 'control-plane,worker', '60s', 'v1.32.4', '10.0.0.2', '<none>', 'Debian GNU/Linux 12', '6.1.0', '<unknown>']);
  n.status!.conditions = [{ type: 'Ready', status: 'Unknown' }]; n.spec = {}; n.metadata.labels = {};
  assert.deepEqual(node.printer!.cells(n, ctx.now).slice(1, 3), ['NotReady', '<none>']);
  n.status!.conditions = [];
  assert.equal(node.printer!.cells(n, ctx.now)[1], 'Unknown');
  assert.equal(node.fieldSelectors!['spec.unschedulable']!(n), 'false');
  assert.equal(msg(node.validate!({ metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'NoScheduleX' }] } }, ctx)),
    'spec.taints[0].effect: Unsupported value: "NoScheduleX": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
  const upd = structuredClone(n); upd.status = {};
  node.prepareForUpdate!(upd, n, ctx);
  assert.deepEqual(upd.status, n.status);
});

test('ConfigMap and Secret', () => {
  const cm = { metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'x', 'bad key': 'y' }, binaryData: { 'app.conf': 'eA==' } };
  assert.equal(msg(configMap.validate!(cm, ctx)),
    "[data[app.conf]: Invalid value: \"app.conf\": duplicate of key present in binaryData, data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+'), binaryData[app.conf]: Invalid value: \"app.conf\": duplicate of key present in data]");
  assert.deepEqual(configMap.printer!.cells(cm, ctx.now), ['cfg', 3, '<unknown>']);
  const frozen = { metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' }, immutable: true };
  assert.equal(msg(configMap.validateUpdate!({ ...frozen, data: { a: '2' } }, frozen, ctx)), 'data: Forbidden: field is immutable when `immutable` is set');

  const s: Secret = { metadata: { name: 'tls', namespace: 'default' }, stringData: { 'tls.crt': 'C' } };
  secret.defaults!(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { 'tls.crt': 'Qw==' });
  s.type = 'kubernetes.io/tls';
  assert.equal(msg(secret.validate!(s, ctx)), 'data[tls.key]: Required value');
  const old: Secret = { metadata: { name: 'tls', namespace: 'default' }, type: 'Opaque' };
  assert.equal(msg(secret.validateUpdate!({ ...old, type: 'kubernetes.io/basic-auth', data: { username: 'dQ==' } }, old, ctx)), 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable');
  assert.deepEqual(secret.printer!.cells(s, ctx.now), ['tls', 'kubernetes.io/tls', 1, '<unknown>']);
  assert.equal(secret.fieldSelectors!.type!(s), 'kubernetes.io/tls');
  assert.deepEqual(serviceAccount.printer!.cells({ metadata: { name: 'default' }, secrets: [{ name: 'a' }, { name: 'b' }] }, ctx.now), ['default', 2, '<unknown>']);
});

test('Events: printer cells, field selectors, namespace agreement', () => {
  const e: CoreEvent = {
    metadata: { name: 'data-web-0.17c', namespace: 'default' },
    involvedObject: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data-web-0', uid: 'u1' },
    reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding  \n', type: 'Normal',
    source: { component: 'persistentvolume-controller' }, firstTimestamp: '2024-05-01T11:58:00Z', lastTimestamp: '2024-05-01T11:59:50Z', count: 7,
  };
  assert.deepEqual(event.validate!(e, ctx), []);
  assert.deepEqual(event.printer!.cells(e, ctx.now), ['10s', 'Normal', 'WaitForFirstConsumer', 'persistentvolumeclaim/data-web-0', '', 'persistentvolume-controller',
    'waiting for first consumer to be created before binding', '2m', 7, 'data-web-0.17c']);
  assert.deepEqual(event.printer!.columns.map((c) => `${c.name}${c.priority ? '(w)' : ''}`),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject(w)', 'Source(w)', 'Message', 'First Seen(w)', 'Count(w)', 'Name(w)']);
  assert.equal(event.fieldSelectors!['involvedObject.uid']!(e), 'u1');
  assert.equal(event.fieldSelectors!['source']!(e), 'persistentvolume-controller');
  assert.equal(msg(event.validate!({ ...e, metadata: { name: 'x', namespace: 'other' } }, ctx)), 'involvedObject.namespace: Invalid value: "default": does not match event.namespace');
  const v1 = { metadata: { name: 'n.1', namespace: 'default' }, eventTime: '2024-05-01T11:59:00.000000Z', reportingController: 'kubelet', reportingInstance: 'node-a', action: 'Pulling', reason: 'Pulling', type: 'Normal', note: 'pulling', regarding: { kind: 'Pod', name: 'p', namespace: 'default' } };
  assert.deepEqual(eventsV1.validate!(v1, ctx), []);
  assert.deepEqual(eventsV1.printer!.cells(v1, ctx.now).slice(0, 7), ['60s', 'Normal', 'Pulling', 'pod/p', '', 'kubelet, node-a', 'pulling']);
  assert.equal(msg(eventsV1.validate!({ ...v1, type: 'Info' }, ctx)), 'type: Invalid value: "": has invalid value: Info');
});

test('review kinds are create-only and every kind here has names, and printers where upstream has them', () => {
  assert.deepEqual(selfSubjectAccessReview.verbs, ['create']);
  assert.equal(msg(selfSubjectAccessReview.validate!({ metadata: {}, spec: {} }, ctx)), 'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const mine = ['namespaces', 'nodes', 'persistentvolumes', 'persistentvolumeclaims', 'configmaps', 'secrets', 'serviceaccounts', 'events', 'storageclasses', 'volumeattachments', 'csidrivers', 'csinodes'];
  for (const r of mine) {
    const k = allKinds.find((x) => x.names.resource === r);
    assert.ok(k?.printer, `${r} has a printer`);
    assert.equal(k!.printer!.columns[0]!.name === 'Name' || k!.printer!.columns[0]!.name === 'Last Seen', true);
  }
  const subs = (r: string) => allKinds.find((x) => x.names.resource === r)!.subresources?.map((s) => s.name);
  assert.deepEqual(subs('nodes'), ['proxy', 'status']);
  assert.deepEqual(subs('namespaces'), ['finalize', 'status']);
  assert.deepEqual(subs('persistentvolumeclaims'), ['status']);
});
