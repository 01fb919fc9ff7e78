import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../api/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSLabel } from './names.js';
import {
  accessModesString, resourceListValue, validateAccessModes, validateHostPathVolumeSource, validateLabelSelectorObject,
  validateLocalNonReservedPath, validateNodeSelector, validatePositiveQuantity,
} from './common.js';

const msgs = (errs: Parameters<typeof aggregate>[0]) => errs.length ? aggregate(errs) : '';

test('ObjectMeta on create', () => {
  assert.equal(msgs(validateObjectMeta({}, { namespaced: true })), '[metadata.name: Required value: name or generateName is required, metadata.namespace: Required value]');
  assert.equal(msgs(validateObjectMeta({ name: 'x', namespace: 'default' }, { namespaced: false })), 'metadata.namespace: Forbidden: not allowed on this type');
  assert.equal(msgs(validateObjectMeta({ name: 'Bad_Name' }, { namespaced: false, nameValidator: nameIsDNSLabel })),
    `metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
  assert.equal(msgs(validateObjectMeta({ generateName: 'web-', namespace: 'default' }, { namespaced: true })), 'metadata.name: Required value: name or generateName is required');
  assert.match(msgs(validateObjectMeta({ name: 'x', labels: { app: '-bad' } }, { namespaced: false })), /^metadata\.labels: Invalid value: "-bad": a valid label must be/);
  assert.match(msgs(validateObjectMeta({ name: 'x', finalizers: ['a/b/c'] }, { namespaced: false })), /^metadata\.finalizers: Invalid value: "a\/b\/c": a qualified name must/);
  assert.equal(msgs(validateObjectMeta({ name: 'x', ownerReferences: [{ apiVersion: '', kind: 'StatefulSet', name: 'web', uid: 'u' }] }, { namespaced: false })),
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty');
});

test('ObjectMeta on update: identity is immutable', () => {
  const old = { name: 'x', namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5' };
  assert.equal(msgs(validateObjectMetaUpdate({ ...old, name: 'y' }, old)), 'metadata.name: Invalid value: "y": field is immutable');
  assert.equal(msgs(validateObjectMetaUpdate({ ...old, uid: 'u2' }, old)), 'metadata.uid: Invalid value: "u2": field is immutable');
  assert.equal(msgs(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old)), '');
  assert.equal(msgs(validateObjectMetaUpdate({ ...old, deletionTimestamp: 'T', finalizers: ['example.com/f'] }, { ...old, deletionTimestamp: 'T' })) ===
    (
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/f"}'), true);
});

test('access modes', () => {
  assert.equal(msgs(validateAccessModes([], 'spec.accessModes')), 'spec.accessModes: Required value');
  assert.equal(msgs(validateAccessModes(undefined, 'spec.accessModes', 'at least 1 access mode is required')), 'spec.accessModes: Required value: at least 1 access mode is required');
  assert.equal(msgs(validateAccessModes(['RWO'], 'spec.accessModes')), 'spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"');
  assert.equal(msgs(validateAccessModes(['ReadWriteOncePod', 'ReadWriteOnce'], 'spec.accessModes')), 'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes');
  assert.equal(accessModesString(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteOncePod']), 'RWO,ROX,RWX,RWOP');
});

test('node selectors and label selector objects', () => {
  assert.equal(msgs(validateNodeSelector({ nodeSelectorTerms: [] }, 'spec.nodeAffinity.required')), 'spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term');
  assert.equal(msgs(validateNodeSelector({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [] }] }] }, 'spec.nodeAffinity.required')),
    "spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(msgs(validateNodeSelector({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Equals', values: ['a'] }] }] }, 'p')),
    'p.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator');
  assert.equal(msgs(validateLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'spec.selector')),
    "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
});

test('quantities, hostPath and paths', () => {
  assert.equal(msgs(validatePositiveQuantity('0', 'spec.capacity[storage]')), 'spec.capacity[storage]: Invalid value: "0": must be greater than zero');
  assert.equal(msgs(validatePositiveQuantity('-1Gi', 'spec.resources[storage]')), 'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero');
  assert.equal(msgs(validatePositiveQuantity('1Gi', 'x')), '');
  assert.equal(String((resourceListValue(undefined) as { raw: string }).raw), 'core.ResourceList(nil)');
  assert.equal(msgs(validateHostPathVolumeSource({ path: '/a/../b' }, 'spec.hostPath')), `spec.hostPath.path: Invalid value: "/a/../b": must not contain '..'`);
  assert.equal(msgs(validateHostPathVolumeSource({ path: '' }, 'spec.hostPath')), 'spec.hostPath.path: Required value');
  assert.equal(msgs(validateHostPathVolumeSource({ path: '/data', type: 'Dir' }, 'spec.hostPath')),
    'spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"');
  assert.equal(msgs(validateLocalNonReservedPath('/abs', 'p')), 'p: Invalid value: "/abs": must be a relative path');
  assert.equal(msgs(validateLocalNonReservedPath('..data', 'p')), `p: Invalid value: "..data": must not start with '..'`);
  assert.equal(msgs(validateLocalNonReservedPath('../x', 'p')), `p: Invalid value: "../x": must not contain '..'`);
});
