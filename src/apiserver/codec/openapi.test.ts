import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openapiV3Doc, openapiV3Index } from './openapi.js';
import { ensureGenerated } from './testing.js';

before(() => ensureGenerated());
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const doc = (gv: string) => JSON.parse(openapiV3Doc(gv)!.body.toString()) as Doc;

test('the index lists every group-version with the hex SHA-512 of its document', () => {
  const idx = openapiV3Index();
  assert.deepEqual(Object.keys(idx.paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/authentication.k8s.io/v1', 'apis/authorization.k8s.io/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/events.k8s.io/v1', 'apis/policy/v1', 'apis/storage.k8s.io/v1']);
  const d = openapiV3Doc('apis/apps/v1')!;
  assert.equal(d.hash, createHash('sha512').update(d.body).digest('hex').toUpperCase());
  assert.equal(idx.paths['apis/apps/v1']!.serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${d.hash}`);
  assert.equal(openapiV3Doc('apis/nope/v1'), undefined);
});

test('PATCH operations declare fieldValidation and the GVK, without strategic-merge-patch', () => {
  const patch = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!.patch;
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.deepEqual(patch.parameters.map((p: any) => p.name), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.deepEqual(Object.keys(patch.requestBody.content), ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  const pv = doc('api/v1').paths;
  assert.ok(pv['/api/v1/persistentvolumes/{name}']?.patch, 'cluster-scoped item path');
  assert.equal(pv['/api/v1/namespaces/{namespace}/persistentvolumes/{name}'], undefined);
});

test('schemas carry upstream names, descriptions, allOf refs, list extensions and the GVK', () => {
  const s = doc('api/v1').components.schemas;
  assert.deepEqual(s['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(s['io.k8s.api.core.v1.Pod'].properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  assert.match(s['io.k8s.api.core.v1.Pod'].properties.metadata.description, /^Standard object's metadata\./);
  const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  assert.deepEqual(s['io.k8s.api.core.v1.PodSpec'].required, ['containers']);
  assert.equal(s['io.k8s.api.core.v1.ContainerPort'].properties.containerPort.format, 'int32');
  assert.deepEqual(s['io.k8s.api.core.v1.ContainerPort'].properties.protocol.enum, ['SCTP', 'TCP', 'UDP']);
  assert.deepEqual(s['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
});
