import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../api/field.js';
import { imageTag, podSpecWarnings, setPodSpecDefaults, validatePodSpec, validatePodTemplateSpec, type PodSpec } from './index.js';

const base = (extra: Partial<PodSpec>): PodSpec => {
  const s: PodSpec = { containers: [{ name: 'a', image: 'x' }], ...extra };
  setPodSpecDefaults(s);
  return s;
};
const msgs = (s: PodSpec, path = 'spec') => validatePodSpec(s, path).map(formatFieldError);

test('image tags decide the pull policy', () => {
  assert.equal(imageTag('busybox'), 'latest');
  assert.equal(imageTag('nginx:alpine'), 'alpine');
  assert.equal(imageTag('localhost:5000/app'), 'latest');
  assert.equal(imageTag('localhost:5000/app:v1'), 'v1');
  assert.equal(imageTag('busybox@sha256:0123'), '');
});

test('env valueFrom and downward API field paths', () => {
  const s = base({ containers: [{ name: 'a', image: 'x', env: [
    { name: 'A', valueFrom: {} },
    { name: 'B', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'C', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } },
    { name: 'D', valueFrom: { fieldRef: { fieldPath: 'metadata.bogus' } } },
    { name: 'E', valueFrom: { secretKeyRef: { name: 's', key: '' } } },
  ] }] });
  assert.deepEqual(msgs(s), [
    'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    'spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.bogus": error converting fieldPath: field label not supported: metadata.bogus',
    'spec.containers[0].env[4].valueFrom.secretKeyRef.key: Required value',
  ]);
});

test('init containers: duplicate names with regular ones, probes forbidden without restartPolicy Always', () => {
  const s = base({ initContainers: [{ name: 'a', image: 'x', readinessProbe: { exec: { command: ['true'] } } }, { name: 'side', image: 'x', restartPolicy: 'OnFailure' }] });
  assert.deepEqual(msgs(s), [
    'spec.initContainers[0].name: Duplicate value: "a"',
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    'spec.initContainers[1].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
  ]);
});

test('probes and host network ports', () => {
  const s = base({ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }],
    livenessProbe: { successThreshold: 2, httpGet: { port: 'http-port-name-too-long' } } }] });
  assert.deepEqual(msgs(s), [
    'spec.containers[0].livenessProbe.httpGet.port: Invalid value: "http-port-name-too-long": must be no more than 15 characters',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].ports[0].containerPort: Invalid value: 80: must match `hostPort` when `hostNetwork` is true',
  ]);
});

test('templates: label paths without metadata, pod spec paths under the template', () => {
  const errs = validatePodTemplateSpec({ metadata: { labels: { 'bad key!': 'v' } }, spec: base({ containers: [{ name: 'a' }] }) }, 'spec.template');
  assert.deepEqual(errs.map(formatFieldError), [
    'spec.template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    'spec.template.spec.containers[0].image: Required value',
  ]);
});

test('warnings: deprecated sources, negative grace period, fractional memory', () => {
  assert.deepEqual(podSpecWarnings({ terminationGracePeriodSeconds: -1, volumes: [{ name: 'a', rbd: {} }],
    containers: [{ name: 'a', resources: { requests: { memory: '1500m' } } }] }, 'spec.template'), [
    'spec.template.spec.volumes[0].rbd: deprecated in v1.28, non-functional in v1.31+',
    'spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1',
    'spec.template.spec.containers[0].resources.requests[memory]: fractional byte value "1500m" is invalid, must be an integer',
  ]);
});
