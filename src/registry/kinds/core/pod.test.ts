import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, formatFieldError } from '../../../api/field.js';
import { invalid as invalidError } from '../../../api/errors.js';
import { pod, podStatusCell, type PodObject } from './pod.js';
import { validatePodSpec } from '../../validation/pod/index.js';

const ctx = { now: new Date('2026-01-01T00:10:00Z'), dryRun: false };
const msgs = (errs: { field: string }[]) => errs.map((e) => formatFieldError(e as never));

function mk(spec: Record<string, unknown>, name = 'p'): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: spec as PodObject['spec'] };
}
function create(spec: Record<string, unknown>, name = 'p') {
  const p = mk(structuredClone(spec), name);
  pod.defaults!(p);
  pod.prepareForCreate!(p, ctx);
  return { obj: p, errs: pod.validate!(p, ctx) };
}

test('defaults follow SetDefaults_PodSpec, SetDefaults_Pod and SetDefaults_Container', () => {
  const { obj, errs } = create({ containers: [
    { name: 'a', image: 'busybox', ports: [{ containerPort: 80 }] },
    { name: 'b', image: 'nginx:alpine', resources: { limits: { memory: '1024Mi' } } },
    { name: 'c', image: 'busybox@sha256:abc' },
    { name: 'd', image: 'registry:5000/x/busybox' },
  ], volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 's' } }, { name: 'h', hostPath: { path: '/x' } }] });
  assert.deepEqual(errs, []);
  const s = obj.spec!;
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.deepEqual(s.securityContext, {});
  assert.equal(s.enableServiceLinks, true);
  assert.equal(s.priority, 0);
  assert.equal(s.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(s.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(s.containers!.map((c) => c.imagePullPolicy), ['Always', 'IfNotPresent', 'IfNotPresent', 'Always']);
  const a = s.containers![0]!;
  assert.equal(a.terminationMessagePath, '/dev/termination-log');
  assert.equal(a.terminationMessagePolicy, 'File');
  assert.deepEqual(a.resources, {});
  assert.equal(a.ports![0]!.protocol, 'TCP');
  // limits copied to requests on Pods, quantities canonical.
  assert.deepEqual(s.containers![1]!.resources, { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } });
  assert.deepEqual(s.volumes![0], { name: 'v', emptyDir: {} });
  assert.equal(s.volumes![1]!.secret!.defaultMode, 420);
  assert.equal(s.volumes![2]!.hostPath!.type, '');
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'Burstable' });
});

test('QoS classes', () => {
  assert.equal(create({ containers: [{ name: 'a', image: 'x' }] }).obj.status!.qosClass, 'BestEffort');
  assert.equal(create({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }).obj.status!.qosClass, 'Guaranteed');
  assert.equal(create({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] }).obj.status!.qosClass, 'Burstable');
});

test('container image is required, with the upstream Invalid status message', () => {
  const { errs } = create({ containers: [{ name: 'web' }] });
  assert.deepEqual(msgs(errs), ['spec.containers[0].image: Required value']);
  assert.equal(invalidError('', 'Pod', 'p', errs).message, 'Pod "p" is invalid: spec.containers[0].image: Required value');
});

test('container names: required, DNS-1123 label, duplicates', () => {
  const { errs } = create({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'x' }, { name: 'Bad_Name', image: 'x' }] });
  assert.deepEqual(msgs(errs), [
    'spec.containers[1].name: Duplicate value: "a"',
    'spec.containers[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
  ]);
});

test('ports, env and resources', () => {
  const { errs } = create({ containers: [{ name: 'a', image: 'x',
    ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'HTTP' }, { name: 'http', containerPort: 81 }, { name: 'http', containerPort: 82 }],
    env: [{ name: '' }, { name: 'A=B' }],
    resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
  assert.deepEqual(msgs(errs), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[3].name: Duplicate value: "http"',
    'spec.containers[0].env[0].name: Required value',
    'spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ]);
});

// k8s-semantics §5.6, literally.
test('volumes: names, sources, per-source rules', () => {
  const spec = {
    terminationGracePeriodSeconds: 30, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst',
    containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }],
    volumes: [
      { name: 'Data_1', emptyDir: {} },
      { name: 'data', emptyDir: {} },
      { name: 'data', emptyDir: {} },
      { name: 'none' },
      { name: 'two', emptyDir: {}, hostPath: { path: '/x' } },
      { name: 'neg', emptyDir: { sizeLimit: '-1' } },
      { name: 'hp', hostPath: { path: '/a/../b', type: 'Dir' } },
      { name: 'hp2', hostPath: { path: '' } },
      { name: 'git', gitRepo: { repository: '', directory: '/abs' } },
      { name: 'git2', gitRepo: { repository: 'r', directory: '../x' } },
      { name: 'pvc', persistentVolumeClaim: { claimName: '' } },
      { name: 'cm', configMap: { name: 'c', defaultMode: 1000, items: [{ key: 'k', path: '..data' }] } },
    ],
  };
  assert.deepEqual(msgs(validatePodSpec(spec, 'spec')), [
    'spec.volumes[0].name: Invalid value: "Data_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
    'spec.volumes[2].name: Duplicate value: "data"',
    'spec.volumes[3]: Required value: must specify a volume type',
    'spec.volumes[4].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[5].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity',
    'spec.volumes[6].hostPath.path: Invalid value: "/a/../b": must not contain \'..\'',
    'spec.volumes[6].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    'spec.volumes[7].hostPath.path: Required value',
    'spec.volumes[8].gitRepo.repository: Required value',
    'spec.volumes[8].gitRepo.directory: Invalid value: "/abs": must be a relative path',
    'spec.volumes[9].gitRepo.directory: Invalid value: "../x": must not contain \'..\'',
    'spec.volumes[10].persistentVolumeClaim.claimName: Required value',
    'spec.volumes[11].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[11].configMap.items[0].path: Invalid value: "..data": must not start with \'..\'',
  ]);
});

test('volumeMounts: required, not found, unique mountPath, subPath quirks, propagation', () => {
  const { errs } = create({
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'bad', hostPath: { path: '/x', type: 'Dir' } }],
    containers: [{ name: 'a', image: 'x', volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/data' },
      { name: 'dat', mountPath: '/d2' },
      { name: '', mountPath: '' },
      { name: 'data', mountPath: '/d3', subPath: '../x' },
      { name: 'data', mountPath: '/d4', subPath: '/abs' },
      { name: 'data', mountPath: '/d5', subPath: 'a', subPathExpr: '$(X)' },
      { name: 'data', mountPath: '/d6', mountPropagation: 'Bidirectional' },
      { name: 'bad', mountPath: '/d7' },
    ] }],
  });
  assert.deepEqual(msgs(errs), [
    'spec.volumes[1].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
    'spec.containers[0].volumeMounts[2].name: Not found: "dat"',
    'spec.containers[0].volumeMounts[3].name: Required value',
    'spec.containers[0].volumeMounts[3].name: Not found: ""',
    'spec.containers[0].volumeMounts[3].mountPath: Required value',
    'spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not contain \'..\'',
    'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
    'spec.containers[0].volumeMounts[6].subPathExpr: Invalid value: "$(X)": subPathExpr and subPath are mutually exclusive',
    'spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers',
    // A volume that failed validation is not mountable either.
    'spec.containers[0].volumeMounts[8].name: Not found: "bad"',
  ]);
});

test('volumeDevices need a claim', () => {
  const { errs } = create({ volumes: [{ name: 'e', emptyDir: {} }], containers: [{ name: 'a', image: 'x', volumeDevices: [{ name: 'e', devicePath: '/dev/x' }] }] });
  assert.deepEqual(msgs(errs), ['spec.containers[0].volumeDevices[0].name: Invalid value: "e": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode']);
});

test('gitRepo gives the deprecation warning', () => {
  const p = mk({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'h', gitRepo: { repository: 'r' } }] });
  assert.deepEqual(pod.warnings!(p), ['spec.volumes[0].gitRepo: deprecated in v1.11']);
});

test('restartPolicy, dnsPolicy and tolerations', () => {
  const { errs } = create({ restartPolicy: 'Sometimes', dnsPolicy: 'Foo', tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }, { operator: 'Equal' }],
    containers: [{ name: 'a', image: 'x' }] });
  assert.deepEqual(msgs(errs), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Foo": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
    'spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'',
    'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
  ]);
});

test('updates: images may change, other spec fields may not', () => {
  const { obj: old } = create({ containers: [{ name: 'a', image: 'busybox' }] });
  old.status = { phase: 'Running', qosClass: 'BestEffort' };
  const img = structuredClone(old);
  img.spec!.containers![0]!.image = 'busybox:1.36';
  pod.prepareForUpdate!(img, old, ctx);
  assert.deepEqual(pod.validateUpdate!(img, old, ctx), []);

  const moved = structuredClone(old);
  moved.spec!.nodeName = 'node-b';
  moved.status = { phase: 'Failed' };
  pod.prepareForUpdate!(moved, old, ctx);
  assert.equal(moved.status!.phase, 'Running', 'status kept from the old object');
  const errs = pod.validateUpdate!(moved, old, ctx);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.ok(formatFieldError(errs[0]!).startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  core.PodSpec{\n'));
  assert.match(formatFieldError(errs[0]!), /\+ \tNodeName: "node-b",/);

  const more = structuredClone(old);
  more.spec!.containers!.push({ name: 'b', image: 'x' });
  pod.defaults!(more);
  assert.deepEqual(msgs(pod.validateUpdate!(more, old, ctx)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);

  const tol = structuredClone(old);
  tol.spec!.tolerations!.push({ key: 'x', operator: 'Exists' });
  assert.deepEqual(pod.validateUpdate!(tol, old, ctx), [], 'adding tolerations is allowed');
});

test('status updates keep the spec', () => {
  const { obj: old } = create({ containers: [{ name: 'a', image: 'busybox' }] });
  const upd = structuredClone(old);
  upd.spec!.nodeName = 'sneaky';
  upd.status = { phase: 'Running', podIP: '10.0.0.5' };
  pod.prepareForStatusUpdate!(upd, old, ctx);
  assert.equal(upd.spec!.nodeName, undefined);
  assert.deepEqual(upd.status!.podIPs, [{ ip: '10.0.0.5' }]);
});

// ---- printer ----
const now = new Date('2026-01-01T01:00:00Z');
function row(status: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'a' }] }, meta: Record<string, unknown> = {}) {
  return pod.printer!.cells({ metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z', ...meta }, spec, status } as PodObject, now);
}
const running = { state: { running: { startedAt: '2026-01-01T00:00:01Z' } }, ready: true, restartCount: 0 };

test('printer: running pod with wide cells', () => {
  assert.deepEqual(row({ phase: 'Running', podIPs: [{ ip: '10.42.0.6' }], containerStatuses: [running] }, { containers: [{ name: 'a' }], nodeName: 'n1' }),
    ['p', '1/1', 'Running', '0', '60m', '10.42.0.6', 'n1', '<none>', '<none>']);
});

test('printer: pending pod shows ContainerCreating from the waiting reason', () => {
  const cells = row({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0 }] });
  assert.deepEqual(cells.slice(0, 4), ['p', '0/1', 'ContainerCreating', '0']);
  assert.deepEqual(row({ phase: 'Pending' }).slice(0, 4), ['p', '0/1', 'Pending', '0']);
});

test('printer: CrashLoopBackOff with restarts and last restart age', () => {
  const cells = row({ phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } }, ready: false, restartCount: 4,
    lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:59:30Z' } } }] });
  assert.deepEqual(cells.slice(1, 4), ['0/1', 'CrashLoopBackOff', '4 (30s ago)']);
});

test('printer: Completed, ExitCode, Signal', () => {
  assert.equal(row({ phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] })[2], 'Completed');
  assert.equal(row({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 3 } } }] })[2], 'ExitCode:3');
  assert.equal(row({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] })[2], 'Signal:9');
});

test('printer: Completed container with another still running is Running or NotReady', () => {
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const statuses = [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running];
  assert.equal(row({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses }, spec)[2], 'Running');
  assert.equal(row({ phase: 'Running', containerStatuses: statuses }, spec)[2], 'NotReady');
});

test('printer: init containers', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
  assert.equal(row({ phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 0 } } }, { state: { running: {} } }] }, spec)[2], 'Init:1/2');
  assert.equal(row({ phase: 'Pending', initContainerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, spec)[2], 'Init:CrashLoopBackOff');
  assert.equal(row({ phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }, spec)[2], 'Init:ExitCode:2');
  // A sidecar (restartPolicy Always) counts in Ready's total.
  const sidecar = { initContainers: [{ name: 's', restartPolicy: 'Always' }], containers: [{ name: 'a' }] };
  assert.deepEqual(row({ phase: 'Running', initContainerStatuses: [{ name: 's', started: true, ready: true, state: { running: {} } }], containerStatuses: [running] }, sidecar).slice(1, 3), ['2/2', 'Running']);
});

test('printer: Terminating, SchedulingGated, readiness gates', () => {
  assert.equal(row({ phase: 'Running', containerStatuses: [running] }, undefined, { deletionTimestamp: '2026-01-01T00:59:00Z' })[2], 'Terminating');
  assert.equal(row({ phase: 'Succeeded' }, undefined, { deletionTimestamp: '2026-01-01T00:59:00Z' })[2], 'Succeeded');
  assert.equal(row({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] })[2], 'SchedulingGated');
  assert.equal(row({ phase: 'Running', conditions: [{ type: 'www.example.com/gate', status: 'True' }] },
    { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'www.example.com/gate' }, { conditionType: 'other' }] })[8], '1/2');
});

test('field selectors', () => {
  const p = { metadata: { name: 'p' }, spec: { nodeName: 'n1', restartPolicy: 'Always' }, status: { phase: 'Running', podIP: '10.0.0.1' } } as PodObject;
  assert.equal(pod.fieldSelectors!['spec.nodeName']!(p), 'n1');
  assert.equal(pod.fieldSelectors!['status.phase']!(p), 'Running');
  assert.equal(pod.fieldSelectors!['status.podIP']!(p), '10.0.0.1');
  assert.equal(pod.fieldSelectors!['spec.hostNetwork']!(p), 'false');
});

test('discovery subresources', () => {
  const byName = Object.fromEntries(pod.subresources!.map((s) => [s.name, s]));
  assert.deepEqual(byName.eviction, { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
  assert.deepEqual(byName.exec!.kind, 'PodExecOptions');
  assert.deepEqual(byName.binding!.kind, 'Binding');
  void aggregate;
});

test('pods/ephemeralcontainers: only ephemeral containers change; they are added, never changed or removed', () => {
  const { obj: old } = create({ containers: [{ name: 'app', image: 'busybox' }] });
  const strat = pod.subresourceUpdates!.ephemeralcontainers!;
  // The request may carry other changes: they are dropped (upstream dropNonEphemeralContainerUpdates).
  const req = structuredClone(old);
  req.spec!.containers![0]!.image = 'nginx';
  req.metadata.labels = { sneaky: 'x' };
  req.spec!.ephemeralContainers = [{ name: 'debugger', image: 'busybox', targetContainerName: 'app', stdin: true, tty: true }];
  const added = strat.prepare(req, old);
  assert.equal(added.spec!.containers![0]!.image, 'busybox');
  assert.equal(added.metadata.labels, undefined);
  assert.equal(added.spec!.ephemeralContainers![0]!.terminationMessagePolicy, 'File', 'defaulted like any container');
  assert.deepEqual(msgs(strat.validate(added, old)), []);

  const removed = strat.prepare({ ...structuredClone(added), spec: { ...added.spec!, ephemeralContainers: [] } }, added);
  assert.deepEqual(msgs(strat.validate(removed, added)), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n']);
  const changed = structuredClone(added);
  changed.spec!.ephemeralContainers![0]!.image = 'alpine';
  assert.deepEqual(msgs(strat.validate(strat.prepare(changed, added), added)), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n']);

  const bad = structuredClone(added);
  bad.spec!.ephemeralContainers!.push({ name: 'app', image: 'busybox', ports: [{ containerPort: 80 }], targetContainerName: 'nope', volumeMounts: [{ name: 'x', mountPath: '/x', subPath: 's' }] } as never);
  assert.deepEqual(msgs(strat.validate(strat.prepare(bad, added), added)), [
    'spec.ephemeralContainers[1].volumeMounts[0].name: Not found: "x"',
    'spec.ephemeralContainers[1].name: Duplicate value: "app"',
    'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"',
    'spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[1].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container',
  ]);
});
