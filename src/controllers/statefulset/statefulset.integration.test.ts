// StatefulSet against the in-process API server: claims before pods, OrderedReady, scale down from the top,
// headless-service endpoints with hostnames, and the status kubectl rollout status reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import { cluster, makeRunningReady } from '../replicaset/integration.js';
import type { StatefulSet } from './statefulset.js';

test('StatefulSet OrderedReady with claims and a headless service', async () => {
  const c = await cluster();
  const names = async (r = R.pods) => (await c.client.list(r, 'default')).items.map((p) => p.metadata.name).sort();
  try {
    await c.client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80 }] } });
    await c.client.create(R.statefulsets, 'default', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
      spec: {
        replicas: 2, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    await eventually(async () => (await names()).length === 1, 3000, 'web-0');
    assert.deepEqual(await names(R.persistentvolumeclaims), ['www-web-0']);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(await names(), ['web-0'], 'web-1 waits for web-0');
    await makeRunningReady(c.client, 'default', 'web-0');
    await eventually(async () => (await names()).includes('web-1'), 3000, 'web-1');
    await makeRunningReady(c.client, 'default', 'web-1');
    const st = await eventually(async () => { const s = await c.client.get<StatefulSet>(R.statefulsets, 'default', 'web'); return s.status?.readyReplicas === 2 ? s : undefined; }, 3000, 'ready');
    assert.equal(st.status!.observedGeneration, st.metadata.generation);
    assert.equal(st.status!.currentRevision, st.status!.updateRevision);
    // The recorder writes events asynchronously: wait for them.
    await eventually(async () => {
      const events = (await c.client.list(R.events, 'default')).items.map((e) => e.message);
      return events.includes('create Claim www-web-0 Pod web-0 in StatefulSet web success') && events.includes('create Pod web-1 in StatefulSet web successful') ? events : undefined;
    }, 3000, 'StatefulSet events');
    const ep = await eventually(async () => { try { const e = await c.client.get(R.endpoints, 'default', 'nginx'); return (e.subsets as Array<{ addresses?: unknown[] }>)?.[0]?.addresses?.length === 2 ? e : undefined; } catch { return undefined; } }, 3000, 'endpoints');
    assert.deepEqual((ep.subsets as Array<{ addresses: Array<{ hostname: string }> }>)[0]!.addresses.map((a) => a.hostname).sort(), ['web-0', 'web-1']);
    await c.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await eventually(async () => { const n = await names(); return n.length === 1 && n[0] === 'web-0'; }, 5000, 'scale down to web-0').catch(async (e) => { const ps = (await c.client.list(R.pods, 'default')).items; console.log(JSON.stringify(ps.map((p) => [p.metadata.name, p.metadata.deletionTimestamp, p.metadata.finalizers, (p.status as {phase?: string}).phase]))); throw e; });
    assert.deepEqual(await names(R.persistentvolumeclaims), ['www-web-0', 'www-web-1'], 'claims outlive scale-down');
  } finally { await c.stop(); }
});
