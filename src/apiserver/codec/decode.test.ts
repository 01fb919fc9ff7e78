import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { decodeObject } from './decode.js';
import { ensureGenerated } from './testing.js';

before(() => ensureGenerated());
const pvcGvk = { group: '', version: 'v1', kind: 'PersistentVolumeClaim' };
const podGvk = { group: '', version: 'v1', kind: 'Pod' };
const json = (s: string) => Buffer.from(s);
const status = (code: number, message: string) => (e: unknown) => {
  assert.ok(e instanceof StatusError, String(e));
  assert.equal(e.message, message);
  assert.equal(e.code, code);
  return true;
};
const pvc = (spec: string) => json(`{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":${spec}}`);

test('Strict: unknown fields with upstream paths are a 400 naming every field in document order', () => {
  assert.throws(() => decodeObject(pvc('{"volumneName":"x","accessModes":["ReadWriteOnce"]}'), 'application/json', pvcGvk, 'Strict'),
    status(400, 'PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: strict decoding error: unknown field "spec.volumneName"'));
  const pod = json('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","bogus":1},"spec":{"containers":[{"name":"c","image":"i","volumeMount":[]}]},"extra":true}');
  assert.throws(() => decodeObject(pod, 'application/json', podGvk, 'Strict'),
    status(400, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.bogus", unknown field "spec.containers[0].volumeMount", unknown field "extra"'));
});

test('Strict: duplicate JSON keys are reported with their path', () => {
  assert.throws(() => decodeObject(json('{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"a","name":"b"},"spec":{}}'), 'application/json', pvcGvk, 'Strict'),
    status(400, 'PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: strict decoding error: duplicate field "metadata.name"'));
});

test('Warn returns warnings and drops the unknown fields; Ignore returns none; status and apiVersion/kind are known', () => {
  const { obj, warnings } = decodeObject(pvc('{"volumneName":"x"}'), 'application/json', pvcGvk, 'Warn');
  assert.deepEqual(warnings, ['unknown field "spec.volumneName"']);
  assert.deepEqual(obj.spec, {});
  const ign = decodeObject(json('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {bogus: 1}\nstatus: {phase: Bound}\n'), 'application/yaml', pvcGvk, 'Ignore');
  assert.deepEqual(ign.warnings, []);
  assert.deepEqual(ign.obj.status, { phase: 'Bound' });
});

test('quantities are parsed in every mode (upstream error text) and stored canonically', () => {
  assert.throws(() => decodeObject(pvc('{"resources":{"requests":{"storage":"1 Gi"}}}'), 'application/json', pvcGvk, 'Ignore'),
    status(400, `PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`));
  assert.throws(() => decodeObject(pvc('{"resources":{"requests":{"storage":"1ki"}}}'), 'application/json', pvcGvk, 'Ignore'),
    status(400, `PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: unable to parse quantity's suffix`));
  const { obj } = decodeObject(pvc('{"resources":{"requests":{"storage":"1.5Gi"}}}'), 'application/json', pvcGvk, 'Strict');
  assert.deepEqual((obj.spec as any).resources.requests, { storage: '1536Mi' });
});

test('bad bodies are 400s worded as upstream', () => {
  assert.throws(() => decodeObject(json('{"apiVersion":"v1",'), 'application/json', pvcGvk, 'Strict'), status(400, "couldn't get version/kind; json parse error: unexpected end of JSON input"));
  assert.throws(() => decodeObject(json('{"a" 1}'), 'application/json', pvcGvk, 'Strict'), status(400, "couldn't get version/kind; json parse error: invalid character '1' after object key"));
  assert.throws(() => decodeObject(json('[]'), 'application/json', pvcGvk, 'Strict'),
    status(400, 'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'));
  assert.throws(() => decodeObject(json('{"apiVersion":"apps/v1","kind":"PersistentVolumeClaim","metadata":{}}'), 'application/json', pvcGvk, 'Strict'),
    status(400, 'the API version in the data (apps/v1) does not match the expected API version (v1)'));
  assert.throws(() => decodeObject(json('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{},"spec":{"replicas":"3"}}'), 'application/json', { group: 'apps', version: 'v1', kind: 'Deployment' }, 'Strict'),
    status(400, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'));
});

test('apiVersion and kind are filled in from the endpoint when the body omits them', () => {
  const { obj } = decodeObject(json('{"metadata":{"name":"x"}}'), 'application/json', pvcGvk, 'Strict');
  assert.equal(obj.apiVersion, 'v1');
  assert.equal(obj.kind, 'PersistentVolumeClaim');
});

test('free-form fields (managedFields[].fieldsV1) are not checked', () => {
  const { warnings } = decodeObject(json('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[{"manager":"m","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]}}'), 'application/json', podGvk, 'Warn');
  assert.deepEqual(warnings, []);
});
