// Garbage collection propagation policies against the in-process API server (whose DELETE sets the
// foregroundDeletion/orphan finalizers), with the ReplicaSet controller creating the dependents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import { cluster } from '../replicaset/integration.js';

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'app' }, spec: { replicas: 2, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };

for (const policy of ['Background', 'Foreground', 'Orphan'] as const) {
  test(`delete ReplicaSet with propagationPolicy=${policy}`, async () => {
    const c = await cluster();
    const pods = async () => (await c.client.list(R.pods, 'default')).items.filter((p) => !p.metadata.deletionTimestamp);
    try {
      await c.client.create(R.replicasets, 'default', rs);
      await eventually(async () => (await pods()).length === 2, 3000, 'pods');
      await c.client.delete(R.replicasets, 'default', 'app', { propagationPolicy: policy });
      await eventually(async () => (await c.client.list(R.replicasets, 'default')).items.length === 0, 3000, 'replicaset gone');
      if (policy === 'Orphan') {
        await new Promise((r) => setTimeout(r, 200));
        const left = await pods();
        assert.equal(left.length, 2);
        for (const p of left) assert.equal(p.metadata.ownerReferences, undefined);
      } else {
        await eventually(async () => (await pods()).length === 0, 3000, 'pods collected');
      }
    } finally { await c.stop(); }
  });
}
