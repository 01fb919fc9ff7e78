import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, type FieldError } from '../../../api/field.js';
import { invalid as invalidError } from '../../../api/errors.js';
import { deployment, type DeploymentObject } from './deployment.js';
import { replicaSet, type ReplicaSetObject } from './replicaset.js';
import { statefulSet, STS_UPDATE_FORBIDDEN, type StatefulSetObject } from './statefulset.js';
import { daemonSet, TEMPLATE_GENERATION_ANNOTATION, type DaemonSetObject } from './daemonset.js';
import { controllerRevision } from './controllerrevision.js';
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import type { Container, PodTemplateSpec } from '../../validation/pod/index.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), dryRun: false };
const msgs = (errs: FieldError[]) => errs.map(formatFieldError);
const tpl = (labels: Record<string, string> | undefined, containers: Container[] = [{ name: 'web', image: 'nginx:1.27' }]): PodTemplateSpec =>
  ({ metadata: labels ? { labels } : {}, spec: { containers } });

function create<T extends KObject>(kind: KindDef<T>, obj: T) {
  kind.defaults!(obj);
  kind.prepareForCreate!(obj, ctx);
  return kind.validate!(obj, ctx);
}
const meta = (name = 'web') => ({ name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' });

test('deployment defaults and generation', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: tpl({ app: 'web' }) } };
  assert.deepEqual(create(deployment, d), []);
  const s = d.spec!;
  assert.equal(s.replicas, 1);
  assert.deepEqual(s.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(s.revisionHistoryLimit, 10);
  assert.equal(s.progressDeadlineSeconds, 600);
  const c = s.template!.spec!;
  assert.equal(c.restartPolicy, 'Always');
  assert.equal(c.containers![0]!.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.enableServiceLinks, undefined, 'templates do not get SetDefaults_Pod extras');
  assert.equal(d.metadata.generation, 1);
  assert.deepEqual(d.status, {});

  const scaled = structuredClone(d);
  scaled.spec!.replicas = 3;
  scaled.status = { replicas: 99 };
  deployment.prepareForUpdate!(scaled, d, ctx);
  assert.equal(scaled.metadata.generation, 2);
  assert.deepEqual(scaled.status, {});
  const same = structuredClone(d);
  deployment.prepareForUpdate!(same, d, ctx);
  assert.equal(same.metadata.generation, 1);
  const annotated = structuredClone(d);
  annotated.metadata.annotations = { a: 'b' };
  deployment.prepareForUpdate!(annotated, d, ctx);
  assert.equal(annotated.metadata.generation, 2, 'annotation changes bump a Deployment');
});

test('deployment selector must match template labels (upstream message)', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: tpl({ app: 'nginx' }) } };
  const errs = create(deployment, d);
  assert.deepEqual(msgs(errs), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']);
  assert.equal(invalidError('apps', 'Deployment', 'web', errs).message,
    'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`');
});

test('deployment without selector: both upstream errors', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { template: tpl({ app: 'web' }) } };
  assert.deepEqual(msgs(create(deployment, d)), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('deployment template pod spec is validated with spec.template.spec paths', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: {
    metadata: { labels: { app: 'web' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'web' }], volumes: [{ name: 'v', gitRepo: { repository: '' } }] } } } };
  assert.deepEqual(msgs(create(deployment, d)), [
    'spec.template.spec.volumes[0].gitRepo.repository: Required value',
    'spec.template.spec.containers[0].image: Required value',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  assert.deepEqual(deployment.warnings!(d), ['spec.template.spec.volumes[0].gitRepo: deprecated in v1.11']);
});

test('deployment strategy and selector immutability', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: tpl({ app: 'web' }),
    strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } } };
  assert.deepEqual(msgs(create(deployment, d)), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
  const bad: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: tpl({ app: 'web' }),
    strategy: { rollingUpdate: { maxUnavailable: '150%', maxSurge: 'x' } } } };
  assert.deepEqual(msgs(create(deployment, bad)), [
    'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
  ]);
  const old: DeploymentObject = { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: tpl({ app: 'web', v: '2' }) } };
  create(deployment, old);
  const changed = structuredClone(old);
  changed.spec!.selector = { matchLabels: { app: 'web', v: '2' } };
  assert.deepEqual(msgs(deployment.validateUpdate!(changed, old, ctx)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('deployment printer', () => {
  const d: DeploymentObject = { metadata: meta(), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } },
    template: tpl({ app: 'web' }, [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }]) },
  status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
  assert.deepEqual(deployment.printer!.cells(d, new Date('2026-01-01T00:00:42Z')), ['web', '2/3', 3, 2, '42s', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  assert.deepEqual(deployment.printer!.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(deployment.subresources!.map((s) => `${s.name}:${s.group ?? ''}/${s.kind}`), ['scale:autoscaling/Scale', 'status:/Deployment']);
});

test('replicaset printer, field selector and status', () => {
  const rs: ReplicaSetObject = { metadata: meta('web-abc'), spec: { replicas: 2, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, template: tpl({ app: 'web' }) } };
  assert.deepEqual(create(replicaSet, rs), []);
  assert.deepEqual(rs.status, { replicas: 0 });
  rs.status = { replicas: 2, readyReplicas: 1 };
  assert.deepEqual(replicaSet.printer!.cells(rs, new Date('2026-01-01T00:03:00Z')), ['web-abc', 2, 2, 1, '3m', 'web', 'nginx:1.27', 'app in (api,web)']);
  assert.equal(replicaSet.fieldSelectors!['status.replicas']!(rs), '2');
});

function sts(spec: Record<string, unknown>): StatefulSetObject {
  return { metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, serviceName: 'web', template: tpl({ app: 'web' }), ...spec } as StatefulSetObject['spec'] };
}

test('statefulset defaults, including claim templates', () => {
  const s = sts({ volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
  assert.deepEqual(create(statefulSet, s), []);
  const spec = s.spec!;
  assert.equal(spec.replicas, 1);
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.volumeClaimTemplates![0], { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  assert.deepEqual(s.status, { replicas: 0, availableReplicas: 0 });
});

test('statefulset validation: template labels, pod spec not validated (upstream), name is a DNS label', () => {
  const s = sts({ template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'x', volumeMounts: [{ name: 'www', mountPath: '/d' }] }] } } });
  assert.deepEqual(msgs(create(statefulSet, s)), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`']);
  const dotted = sts({});
  dotted.metadata.name = 'web.v1';
  assert.deepEqual(msgs(create(statefulSet, dotted)), ['metadata.name: Invalid value: "web.v1": must not contain dots']);
});

test('statefulset update restrictions', () => {
  const old = sts({ volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { resources: { requests: { storage: '1Gi' } } } }] });
  create(statefulSet, old);
  const scaled = structuredClone(old);
  scaled.spec!.replicas = 3;
  scaled.spec!.template!.spec!.containers![0]!.image = 'nginx:1.28';
  assert.deepEqual(statefulSet.validateUpdate!(scaled, old, ctx), []);
  const resized = structuredClone(old);
  resized.spec!.volumeClaimTemplates![0]!.spec!.resources = { requests: { storage: '2Gi' } };
  const errs = statefulSet.validateUpdate!(resized, old, ctx);
  assert.deepEqual(msgs(errs), [`spec: Forbidden: ${STS_UPDATE_FORBIDDEN}`]);
  assert.equal(invalidError('apps', 'StatefulSet', 'web', errs).message,
    "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
  const svcName = structuredClone(old);
  svcName.spec!.serviceName = 'other';
  assert.equal(statefulSet.validateUpdate!(svcName, old, ctx).length, 1);
});

test('statefulset printer', () => {
  const s = sts({ replicas: 3 });
  s.status = { readyReplicas: 1 };
  assert.deepEqual(statefulSet.printer!.cells(s, new Date('2026-01-01T00:00:05Z')), ['web', '1/3', '5s', 'web', 'nginx:1.27']);
});

test('daemonset defaults, template generation, validation and printer', () => {
  const ds: DaemonSetObject = { metadata: meta('agent'), spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } },
    spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'busybox' }] } } } };
  assert.deepEqual(create(daemonSet, ds), []);
  assert.deepEqual(ds.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.metadata.annotations![TEMPLATE_GENERATION_ANNOTATION], '1');
  const upd = structuredClone(ds);
  upd.spec!.template!.spec!.containers![0]!.image = 'busybox:1.36';
  daemonSet.prepareForUpdate!(upd, ds, ctx);
  assert.equal(upd.metadata.annotations![TEMPLATE_GENERATION_ANNOTATION], '2');
  assert.equal(upd.metadata.generation, 2);
  const both: DaemonSetObject = structuredClone(ds);
  both.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } };
  assert.deepEqual(msgs(daemonSet.validate!(both, ctx)), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']);
  ds.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(daemonSet.printer!.cells(ds, new Date('2026-01-01T02:00:00Z')), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '120m', 'a', 'busybox', 'app=agent']);
});

test('controllerrevision: data is mandatory and immutable; Controller cell', () => {
  const cr = { metadata: { ...meta('web-7d9'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 1 } as KObject & { revision: number; data?: unknown };
  assert.deepEqual(msgs(controllerRevision.validate!(cr, ctx)), ['data: Required value: data is mandatory']);
  cr.data = { spec: {} };
  assert.deepEqual(controllerRevision.printer!.cells(cr, new Date('2026-01-01T00:01:00Z')), ['web-7d9', 'statefulset.apps/web', 1, '60s']);
  const changed = { ...structuredClone(cr), data: { spec: { x: 1 } } };
  assert.deepEqual(msgs(controllerRevision.validateUpdate!(changed, cr, ctx)), ['data: Invalid value: {"spec":{"x":1}}: field is immutable']);
});
