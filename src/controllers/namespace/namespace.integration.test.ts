// Namespace deletion against the in-process API server: Terminating, content removed (pods through the
// agent's graceful deletion), then the kubernetes finalizer dropped via namespaces/<name>/finalize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { isNotFound } from '../../api/errors.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import { cluster } from '../replicaset/integration.js';

test('kubectl delete namespace empties it and the namespace goes away', async () => {
  const c = await cluster();
  try {
    await c.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await c.client.create(R.configmaps, 'team', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } });
    await c.client.create(R.deployments, 'team', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    await eventually(async () => (await c.client.list(R.pods, 'team')).items.length === 2, 3000, 'pods');
    const ns = await c.client.delete(R.namespaces, undefined, 'team');
    assert.equal(((ns as { status?: { phase?: string } }).status)?.phase, 'Terminating');
    await eventually(async () => { try { await c.client.get(R.namespaces, undefined, 'team'); return false; } catch (e) { return isNotFound(e); } }, 5000, 'namespace deleted');
    assert.equal((await c.client.list(R.pods, 'team')).items.length, 0);
    assert.equal((await c.client.list(R.configmaps, 'team')).items.length, 0);
  } finally { await c.stop(); }
});
