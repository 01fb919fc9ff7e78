import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warningHeader } from './respond.js';
import { negotiateDiscovery, discoveryContentType } from './discovery.js';

test('Warning headers escape quotes and backslashes (kubectl drops them otherwise)', () => {
  assert.equal(warningHeader('unknown field "spec.x"'), '299 - "unknown field \\"spec.x\\""');
  assert.equal(warningHeader('a\\b'), '299 - "a\\\\b"');
});

test('aggregated discovery is negotiated on the Accept v= parameter', () => {
  const v132 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const v127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(negotiateDiscovery(v132), 'v2');
  assert.equal(negotiateDiscovery(v127), 'v2beta1');
  assert.equal(negotiateDiscovery('application/json'), undefined);
  assert.equal(discoveryContentType('v2'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});
