// Fixtures: the request bodies kubectl v1.32 sent (kubectl-logs/requests/{can-i,can-i-list,whoami,drain-nolegacy}.txt),
// restored from the log's escaping (it wrote 0x0a as `\n` and 0x0d as a raw newline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { decodeProtobuf } from './decode.js';
import { readFields } from './protobuf.js';

const b64 = (s: string) => Buffer.from(s, 'base64');
const SSAR = 'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQCgASABoAIgAqADIAOABCABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=';
const SSRR = 'azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA';
const SSR = 'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=';
const DELETE_OPTIONS = 'azhzAAoTCgJ2MRINRGVsZXRlT3B0aW9ucxIAGgAiAA==';

test('auth can-i create pods: SelfSubjectAccessReview', () => {
  assert.deepEqual(decodeProtobuf(b64(SSAR)), { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } } });
});
test('auth can-i --list: SelfSubjectRulesReview', () => {
  assert.deepEqual(decodeProtobuf(b64(SSRR)), { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: { namespace: 'default' } });
});
test('auth whoami: SelfSubjectReview', () => {
  assert.deepEqual(decodeProtobuf(b64(SSR)), { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {} });
});
test('drain without eviction: empty DeleteOptions, and one with fields set', () => {
  assert.deepEqual(decodeProtobuf(b64(DELETE_OPTIONS)), { kind: 'DeleteOptions', apiVersion: 'v1' });
  // gracePeriodSeconds=0 (set explicitly), propagationPolicy=Background, dryRun=[All]
  const raw = Buffer.from([0x08, 0x00, 0x22, 10, ...Buffer.from('Background'), 0x2a, 3, ...Buffer.from('All')]);
  const tm = Buffer.from([0x0a, 2, ...Buffer.from('v1'), 0x12, 13, ...Buffer.from('DeleteOptions')]);
  const unk = Buffer.from([0x0a, tm.length, ...tm, 0x12, raw.length, ...raw]);
  assert.deepEqual(decodeProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), unk])), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Background', dryRun: ['All'] });
});
test('varints longer than one byte and bad bodies', () => {
  assert.equal(readFields(Buffer.from([0x08, 0xac, 0x02]))[0]!.varint, 300n);
  assert.throws(() => decodeProtobuf(Buffer.from('{}')), (e: unknown) => e instanceof StatusError && e.code === 400);
  assert.throws(() => decodeProtobuf(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x50])), (e: unknown) => e instanceof StatusError && e.code === 400 && /unexpected EOF/.test(e.message));
});
