// Protobuf request bodies → the JSON the apiserver would print for the decoded Go struct.
// Fixtures: the request bodies kubectl v1.32 sent (kubectl-logs/requests/{can-i,can-i-list,whoami,drain-nolegacy}.txt),
// restored from the log's escaping (it wrote 0x0a as `\n` and 0x0d as a raw newline). Other bodies are built
// by hand (bytes) or with protobuf-encode.ts, which re-encodes the captured fixtures byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { allKinds } from '../../registry/kinds/index.js';
import { decodeObject, decodeProtobuf } from './decode.js';
import { goDuration, readFields } from './protobuf.js';
import { encodeProtobuf } from './protobuf-encode.js';
import { descriptorTable, rootFor } from './proto/table.js';

const b64 = (s: string) => Buffer.from(s, 'base64');
const SSAR = 'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQCgASABoAIgAqADIAOABCABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=';
const SSRR = 'azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA';
const SSR = 'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=';
const DELETE_OPTIONS = 'azhzAAoTCgJ2MRINRGVsZXRlT3B0aW9ucxIAGgAiAA==';

const isStatus = (code: number, text: string | RegExp) => (e: unknown) =>
  e instanceof StatusError && e.code === code && (typeof text === 'string' ? e.message === text : text.test(e.message));

// ---- hand-built bytes ----
const varint = (n: number) => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const ld = (no: number, b: Buffer | string) => { const buf = typeof b === 'string' ? Buffer.from(b) : b; return Buffer.from([...varint((no << 3) | 2), ...varint(buf.length), ...buf]); };
const vi = (no: number, n: number) => Buffer.from([...varint(no << 3), ...varint(n)]);
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), ld(1, Buffer.concat([ld(1, apiVersion), ld(2, kind)])), ld(2, raw), ld(3, ''), ld(4, '')]);
/** ObjectMeta as gogo writes it: every value field, creationTimestamp (8) as an empty message. */
const objectMeta = (name: string, namespace = '') => ld(1, Buffer.concat([ld(1, name), ld(2, ''), ld(3, namespace), ld(4, ''), ld(5, ''), ld(6, ''), vi(7, 0), ld(8, '')]));

test('captured kubectl bodies: auth can-i (SSAR), can-i --list (SSRR), whoami, drain DeleteOptions; re-encoded byte for byte', () => {
  const cases: Array<[string, object]> = [
    [SSAR, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } }, status: { allowed: false } }],
    [SSRR, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: 'default' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } }],
    [SSR, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: {} } }],
    [DELETE_OPTIONS, { kind: 'DeleteOptions', apiVersion: 'v1' }],
  ];
  for (const [body, want] of cases) {
    const obj = decodeProtobuf(b64(body));
    assert.deepEqual(obj, want);
    assert.equal(encodeProtobuf(obj as never).toString('base64'), body);
  }
});

test('DeleteOptions with pointers set to zero values keeps them', () => {
  const raw = Buffer.concat([vi(1, 0), ld(4, 'Background'), ld(5, 'All')]);
  assert.deepEqual(decodeProtobuf(envelope('v1', 'DeleteOptions', raw)), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Background', dryRun: ['All'] });
  // client-go registers DeleteOptions in every group version
  assert.deepEqual(decodeProtobuf(envelope('apps/v1', 'DeleteOptions', vi(3, 1))), { kind: 'DeleteOptions', apiVersion: 'apps/v1', orphanDependents: true });
});

test('ConfigMap (hand-built bytes): map entries sorted like encoding/json, binaryData base64, immutable pointer', () => {
  const entry = (no: number, k: string, v: Buffer | string) => ld(no, Buffer.concat([ld(1, k), ld(2, v)]));
  const raw = Buffer.concat([objectMeta('c', 'default'), entry(2, 'z', 'last'), entry(2, 'a', 'b'), entry(3, 'bin', Buffer.from([0xff, 0x00, 0x01])), vi(4, 0)]);
  const obj = decodeProtobuf(envelope('v1', 'ConfigMap', raw));
  assert.deepEqual(obj, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default', creationTimestamp: null }, immutable: false, data: { a: 'b', z: 'last' }, binaryData: { bin: '/wAB' } });
  assert.deepEqual(Object.keys(obj.data as object), ['a', 'z']);
});

test('Secret with binary data (hand-built bytes), type and stringData', () => {
  const entry = (no: number, k: string, v: Buffer | string) => ld(no, Buffer.concat([ld(1, k), ld(2, v)]));
  const raw = Buffer.concat([objectMeta('s'), entry(2, 'key.bin', Buffer.from([0, 1, 2, 250, 251])), entry(2, 'a', 'b'), ld(3, 'Opaque'), entry(4, 'plain', 'text')]);
  assert.deepEqual(decodeProtobuf(envelope('v1', 'Secret', raw)), {
    kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null },
    data: { a: 'Yg==', 'key.bin': 'AAEC+vs=' }, stringData: { plain: 'text' }, type: 'Opaque',
  });
});

test('Namespace: value structs always print ({}), as kubectl create namespace --dry-run=client -o json shows', () => {
  const body = encodeProtobuf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
  assert.deepEqual(decodeProtobuf(body), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n', creationTimestamp: null }, spec: {}, status: {} });
});

test('Deployment with a full pod template: quantities, intstr maxSurge, probes, inline embedded structs, pointer zeros', () => {
  const body = encodeProtobuf({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { note: 'x' }, creationTimestamp: '2024-01-02T03:04:05Z', generation: 3 },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
          containers: [{
            name: 'nginx', image: 'nginx:1.27', args: ['-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'prod' }, { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode', optional: true } } }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
          }],
          volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }, { name: 'data', persistentVolumeClaim: { claimName: 'data-pvc' } }],
        },
      },
    },
  });
  const want = {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: { name: 'web', generation: 3, creationTimestamp: '2024-01-02T03:04:05Z', labels: { app: 'web' }, annotations: { note: 'x' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          volumes: [
            { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
            { name: 'data', persistentVolumeClaim: { claimName: 'data-pvc' } },
          ],
          containers: [{
            name: 'nginx', image: 'nginx:1.27', args: ['-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'prod' }, { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode', optional: true } } }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
            volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
          }],
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
    },
    status: {},
  };
  const got = decodeProtobuf(body);
  assert.deepEqual(got, want);
  assert.equal(JSON.stringify(got), JSON.stringify(want), 'fields in Go struct order, as the apiserver prints them');
});

test('Service: targetPort as number and as name (IntOrString value field), status.loadBalancer always printed', () => {
  const body = encodeProtobuf({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090, targetPort: 'metrics' }] },
  });
  assert.deepEqual(decodeProtobuf(body), {
    kind: 'Service', apiVersion: 'v1', metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090, targetPort: 'metrics' }], selector: { app: 'web' }, type: 'ClusterIP' },
    status: { loadBalancer: {} },
  });
});

test('PVC: storageClassName "" (a set pointer) survives, requests quantity, dataSource.apiGroup null (no omitempty)', () => {
  const body = encodeProtobuf({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } }, dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } },
  });
  assert.deepEqual(decodeProtobuf(body), {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'data', namespace: 'default', creationTimestamp: null },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeMode: 'Filesystem', dataSource: { apiGroup: null, kind: 'PersistentVolumeClaim', name: 'src' } },
    status: {},
  });
});

test('Time drops sub-seconds, MicroTime keeps 6 decimals, zero Time is null (events.k8s.io Event, Lease)', () => {
  const ev = decodeProtobuf(encodeProtobuf({
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' },
    eventTime: '2024-05-06T07:08:09.123456Z', reportingController: 'c', reportingInstance: 'i', action: 'Bind', reason: 'Scheduled', type: 'Normal',
    regarding: { kind: 'Pod', name: 'p', namespace: 'default' }, deprecatedLastTimestamp: '2024-05-06T07:08:09Z', deprecatedCount: 2,
  })) as Record<string, unknown>;
  assert.equal(ev.eventTime, '2024-05-06T07:08:09.123456Z');
  assert.equal(ev.deprecatedLastTimestamp, '2024-05-06T07:08:09Z');
  assert.equal(ev.deprecatedFirstTimestamp, null);
  assert.equal(ev.deprecatedCount, 2);
  assert.ok(!('series' in ev) && !('related' in ev), 'nil pointers stay absent');
  // a Time with nanos on the wire: Time.Unmarshal drops them
  const t = Buffer.concat([vi(1, 1704164645), vi(2, 999)]);
  const lease = decodeProtobuf(envelope('coordination.k8s.io/v1', 'Lease', Buffer.concat([objectMeta('l'), ld(2, Buffer.concat([ld(1, 'node-1'), vi(2, 40), ld(4, t)]))])));
  assert.deepEqual(lease.spec, { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-02T03:04:05.000000Z' });
});

test('Go duration strings', () => {
  assert.equal(goDuration(0n), '0s');
  assert.equal(goDuration(1500n), '1.5µs');
  assert.equal(goDuration(1_500_000n), '1.5ms');
  assert.equal(goDuration(3_723_500_000_000n), '1h2m3.5s');
  assert.equal(goDuration(60_000_000_000n), '1m0s');
  assert.equal(goDuration(-2_000_000_000n), '-2s');
});

test('through decodeObject: quantities canonicalised like JSON bodies; a bad quantity is a 400', () => {
  const pvc = (storage: string) => encodeProtobuf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd' }, spec: { resources: { requests: { storage } } } });
  const gvk = { group: '', version: 'v1', kind: 'PersistentVolumeClaim' };
  const { obj } = decodeObject(pvc('1000Mi'), 'application/vnd.kubernetes.protobuf', gvk, 'Strict');
  assert.deepEqual((obj as unknown as { spec: { resources: unknown } }).spec.resources, { requests: { storage: '1000Mi' } });
  const { obj: milli } = decodeObject(pvc('1000m'), 'application/vnd.kubernetes.protobuf', gvk, 'Strict');
  assert.deepEqual((milli as unknown as { spec: { resources: unknown } }).spec.resources, { requests: { storage: '1' } });
  assert.throws(() => decodeObject(pvc('lots'), 'application/vnd.kubernetes.protobuf', gvk, 'Strict'), (e: unknown) => e instanceof StatusError && e.code === 400);
});

test('every kind the server serves has a protobuf descriptor', () => {
  for (const k of allKinds) {
    const { group, version, kind } = k.names;
    assert.ok(rootFor(group ? `${group}/${version}` : version, kind), `${group}/${version} ${kind}`);
  }
});

test('field numbers agree with upstream generated.proto (k8s.io/api core/v1)', () => {
  const m = descriptorTable().messages;
  // message AWSElasticBlockStoreVolumeSource { volumeID = 1; fsType = 2; partition = 3; readOnly = 4; }
  assert.deepEqual(m['core/v1.AWSElasticBlockStoreVolumeSource']!.map((f) => [f[1], f[0]]), [['volumeID', 1], ['fsType', 2], ['partition', 3], ['readOnly', 4]]);
  // CSIPersistentVolumeSource: driver=1 … volumeAttributes=5 (map) … controllerExpandSecretRef=9
  const csi = Object.fromEntries(m['core/v1.CSIPersistentVolumeSource']!.map((f) => [f[1], f]));
  assert.deepEqual([csi.driver![0], csi.volumeHandle![0], csi.readOnly![0], csi.fsType![0], csi.volumeAttributes![0], csi.controllerExpandSecretRef![0]], [1, 2, 3, 4, 5, 9]);
  assert.equal(csi.volumeAttributes![3], 'om');
});

test('bad bodies: no prefix, truncated, unknown kind, wrong wire type, unsafe int64', () => {
  assert.equal(readFields(Buffer.from([0x08, 0xac, 0x02]))[0]!.varint, 300n);
  assert.throws(() => decodeProtobuf(Buffer.from('{}')), isStatus(400, 'provided object is not a valid protobuf message: missing k8s\\0 prefix'));
  assert.throws(() => decodeProtobuf(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x50])), isStatus(400, 'unable to decode protobuf body: unexpected EOF'));
  assert.throws(() => decodeProtobuf(envelope('batch/v1', 'Job', Buffer.alloc(0))), isStatus(400, 'no kind "Job" is registered for the protobuf decoder in version "batch/v1"'));
  assert.throws(() => decodeProtobuf(envelope('v1', 'ConfigMap', vi(1, 5))), isStatus(400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field metadata'));
  assert.throws(() => decodeProtobuf(envelope('v1', 'ConfigMap', ld(1, Buffer.from([0x0a, 0x05, 0x61])))), isStatus(400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF'));
  const big = Buffer.from([0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]); // generation = 2^63-1
  assert.throws(() => decodeProtobuf(envelope('v1', 'ConfigMap', ld(1, big))), isStatus(400, /cannot be handled as a ConfigMap: value 9223372036854775807 of field generation/));
});
