import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../api/field.js';
import { endpointSlice, type EndpointSliceObject } from './endpointslice.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), dryRun: false };
const now = new Date('2026-01-01T00:01:00Z');
const slice = (extra: Partial<EndpointSliceObject>): EndpointSliceObject =>
  ({ metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, addressType: 'IPv4', ...extra });

test('endpointslice printer: ports and endpoints, three then + N more..., <unset> when empty', () => {
  assert.deepEqual(endpointSlice.printer!.cells(slice({}), now), ['web-abc', 'IPv4', '<unset>', '<unset>', '60s']);
  const s = slice({
    ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9000 }],
    endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  });
  assert.deepEqual(endpointSlice.printer!.cells(s, now), ['web-abc', 'IPv4', '80,metrics,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60s']);
  assert.deepEqual(endpointSlice.printer!.columns.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
});

test('endpointslice defaults and validation', () => {
  const s = slice({ addressType: 'IPv5', ports: [{ port: 80 }], endpoints: [{ addresses: [] }] });
  endpointSlice.defaults!(s);
  assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.deepEqual(endpointSlice.validate!(s, ctx).map(formatFieldError), [
    'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    'endpoints[0].addresses: Required value: must contain at least 1 address',
  ]);
  const ok = slice({ endpoints: [{ addresses: ['10.0.0.1'] }] });
  const changed = { ...ok, addressType: 'IPv6' };
  assert.deepEqual(endpointSlice.validateUpdate!(changed, ok, ctx).map(formatFieldError).filter((m) => m.startsWith('addressType')),
    ['addressType: Invalid value: "IPv6": field is immutable']);
});
