import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, containerArgv } from './env.js';
import { formatMap, resourceFieldValue } from './fieldpath.js';
import type { Pod } from './types.js';

test('$(VAR) expansion as upstream: defined, undefined kept, $$ escape, unterminated', () => {
  const env = new Map([['A', 'x'], ['B', 'y']]);
  const l = (n: string) => env.get(n);
  assert.equal(expand('$(A)-$(B)', l), 'x-y');
  assert.equal(expand('$(C)', l), '$(C)');
  assert.equal(expand('$$(A)', l), '$(A)');
  assert.equal(expand('$(A', l), '$(A');
  assert.equal(expand('a$b', l), 'a$b');
});

test('command/args over the image entrypoint/cmd', () => {
  const img = { Entrypoint: ['/ep'], Cmd: ['default'] };
  assert.deepEqual(containerArgv({ name: 'c' }, img, []), ['/ep', 'default']);
  assert.deepEqual(containerArgv({ name: 'c', args: ['$(X)'] }, img, [['X', 'v']]), ['/ep', 'v']);
  assert.deepEqual(containerArgv({ name: 'c', command: ['sh'] }, img, []), ['sh']);
  assert.deepEqual(containerArgv({ name: 'c', command: ['sh'], args: ['-c', 'echo'] }, img, []), ['sh', '-c', 'echo']);
});

test('downward API formatting', () => {
  assert.equal(formatMap({ b: '2', a: 'q"uote' }), 'a="q\\"uote"\nb="2"');
  const pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '250m' }, requests: { memory: '128Mi' } } }] } } as unknown as Pod;
  assert.equal(resourceFieldValue(pod, { resource: 'limits.cpu' }, 'c'), '1');
  assert.equal(resourceFieldValue(pod, { resource: 'limits.cpu', divisor: '1m' }, 'c'), '250');
  assert.equal(resourceFieldValue(pod, { resource: 'requests.memory', divisor: '1Mi' }, 'c'), '128');
});
