import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import { harness } from '../replicaset/testing.js';
import { newNamespaceController } from './namespace.js';

test('Terminating namespace: content deleted, then the kubernetes finalizer removed via finalize', async () => {
  const h = await harness([(o) => newNamespaceController({ ...o, retryMs: 20 })]);
  try {
    await h.client.create(R.namespaces, undefined, { metadata: { name: 'team' } });
    await h.client.create(R.configmaps, 'team', { metadata: { name: 'cfg' } });
    await h.client.create(R.pods, 'team', { metadata: { name: 'p', finalizers: ['example.com/hold'] }, spec: { containers: [] } });
    await h.client.create(R.pods, 'default', { metadata: { name: 'other' }, spec: { containers: [] } });
    await h.client.delete(R.namespaces, undefined, 'team');
    await eventually(() => h.client.all(R.configmaps).length === 0, 2000, 'configmap deleted');
    const ns = await eventually(async () => { const n = await h.client.get(R.namespaces, undefined, 'team'); return (n.status as { conditions?: unknown[] })?.conditions ? n : undefined; }, 2000, 'condition');
    const c = (ns.status as { conditions: Array<{ type: string; message: string }> }).conditions[0]!;
    assert.equal(c.type, 'NamespaceContentRemaining');
    assert.equal(c.message, 'Some resources are remaining: pods has 1 resource instances');
    await h.client.patch(R.pods, 'team', 'p', 'merge', { metadata: { finalizers: null } });
    await eventually(async () => !(await h.client.list(R.namespaces, undefined)).items.some((n) => n.metadata.name === 'team'), 2000, 'namespace gone');
    assert.ok(h.client.actions.includes('update/finalize namespaces team'));
    assert.equal(h.client.all(R.pods).length, 1, 'other namespaces untouched');
  } finally { h.stop(); }
});
