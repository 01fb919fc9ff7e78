// The /openapi/v2 document: upstream's v2 forms, and nothing kube-openapi's v2 parser (kubectl 1.27/1.28)
// refuses: every $ref resolves to a definition, one type per schema, every array has one items schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOpenapiV2, openapiV2, toV2Schema } from './openapi-v2.js';
import { ensureGenerated } from './testing.js';

type Json = Record<string, any>;

test('v3 forms become v2 forms: #/definitions refs, allOf-wrapped refs, int-or-string', () => {
  assert.deepEqual(toV2Schema({ description: 'meta', allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], default: {} }),
    { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: 'meta' });
  assert.deepEqual(toV2Schema({ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/X' }], default: {} }, 'x-kubernetes-list-type': 'atomic' }),
    { type: 'array', items: { $ref: '#/definitions/X' }, 'x-kubernetes-list-type': 'atomic' });
  assert.deepEqual(toV2Schema({ oneOf: [{ type: 'string' }, { type: 'integer' }], 'x-kubernetes-int-or-string': true }),
    { format: 'int-or-string', type: 'string', 'x-kubernetes-int-or-string': true });
});

test('the protobuf document decodes to definitions a v2 parser accepts, with GVK and patch extensions', async () => {
  ensureGenerated();
  const doc = await decodeOpenapiV2((await openapiV2('v1.32.4')).proto) as Json;
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.4' });
  const defs = new Map<string, Json>((doc.definitions.additionalProperties as Json[]).map((d) => [d.name, d.value]));
  const problems: string[] = [];
  const walk = (s: Json, where: string) => {
    if (s._ref) { if (!defs.has(String(s._ref).replace('#/definitions/', ''))) problems.push(`${where}: unknown ref ${s._ref}`); return; }
    const types = s.type?.value ?? [];
    if (types.length > 1) problems.push(`${where}: several types`);
    if (types[0] === 'array' && s.items?.schema?.length !== 1) problems.push(`${where}: array without one items schema`);
    if (types.length === 1 && !['object', 'array', 'string', 'number', 'integer', 'boolean'].includes(types[0])) problems.push(`${where}: type ${types[0]}`);
    for (const p of s.properties?.additionalProperties ?? []) walk(p.value, `${where}.${p.name}`);
    for (const i of s.items?.schema ?? []) walk(i, `${where}[]`);
    if (s.additionalProperties?.schema) walk(s.additionalProperties.schema, `${where}{}`);
  };
  for (const [name, s] of defs) walk(s, name);
  assert.deepEqual(problems, []);
  const pv = defs.get('io.k8s.api.core.v1.PersistentVolume')!;
  const gvk = pv.vendorExtension.find((e: Json) => e.name === 'x-kubernetes-group-version-kind');
  assert.deepEqual(JSON.parse(gvk.value.yaml), [{ group: '', kind: 'PersistentVolume', version: 'v1' }]);
  const containers = defs.get('io.k8s.api.core.v1.PodSpec')!.properties.additionalProperties.find((p: Json) => p.name === 'containers').value;
  assert.deepEqual(Object.fromEntries(containers.vendorExtension.map((e: Json) => [e.name, JSON.parse(e.value.yaml)])), { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
  assert.equal(JSON.parse((await openapiV2('v1.32.4')).json.toString()).definitions['io.k8s.api.core.v1.PersistentVolume'].properties.spec.$ref, '#/definitions/io.k8s.api.core.v1.PersistentVolumeSpec');
});
