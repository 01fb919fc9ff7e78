import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../api/gvr.js';
import type { KObject } from '../../api/object.js';
import { eventually } from '../../scheduler/testing/fixtures.js';
import type { Pod } from '../../util/types.js';
import { harness } from '../replicaset/testing.js';
import { computeSubsets, newEndpointsController, type Service } from './endpoints.js';

const svc: Service = { metadata: { name: 'myapp-svc-headless', namespace: 'default' }, spec: { clusterIP: 'None', selector: { app: 'myapp-sts' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } };
const stsPod = (n: number, ready: boolean): Pod => ({
  metadata: { name: `myapp-sts-${n}`, namespace: 'default', uid: `u${n}`, labels: { app: 'myapp-sts' } },
  spec: { hostname: `myapp-sts-${n}`, subdomain: 'myapp-svc-headless', nodeName: 'node-a', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: `10.0.0.${n + 1}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('computeSubsets: hostnames for the headless service, not-ready pods apart, named target ports', () => {
  assert.deepEqual(computeSubsets(svc, [stsPod(0, true), stsPod(1, false), { ...stsPod(2, true), metadata: { name: 'other', labels: { app: 'x' } } }]), [{
    addresses: [{ ip: '10.0.0.1', hostname: 'myapp-sts-0', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'myapp-sts-0', uid: 'u0' } }],
    notReadyAddresses: [{ ip: '10.0.0.2', hostname: 'myapp-sts-1', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'myapp-sts-1', uid: 'u1' } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }]);
  const pub = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
  assert.equal(computeSubsets(pub, [stsPod(1, false)])[0]!.addresses!.length, 1);
});

test('Endpoints and EndpointSlice follow pods', async () => {
  const h = await harness([newEndpointsController]);
  try {
    await h.client.create(R.services, 'default', svc);
    await h.client.create(R.pods, 'default', stsPod(0, true));
    await h.client.create(R.pods, 'default', stsPod(1, true));
    const ep = await eventually(async () => { try { const e = await h.client.get(R.endpoints, 'default', 'myapp-svc-headless'); return (e.subsets as Array<{ addresses?: unknown[] }>)?.[0]?.addresses?.length === 2 ? e : undefined; } catch { return undefined; } }, 2000, 'endpoints');
    assert.deepEqual((ep.subsets as Array<{ addresses: Array<{ hostname: string }> }>)[0]!.addresses.map((a) => a.hostname), ['myapp-sts-0', 'myapp-sts-1']);
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    const slice = await eventually(() => h.client.all<KObject>(R.endpointslices).find((s) => (s.endpoints as unknown[]).length === 2), 2000, 'slice');
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'myapp-svc-headless');
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.equal(slice.metadata.ownerReferences?.[0]?.kind, 'Service');
    await h.client.delete(R.pods, 'default', 'myapp-sts-1');
    await eventually(async () => ((await h.client.get(R.endpoints, 'default', 'myapp-svc-headless')).subsets as Array<{ addresses: unknown[] }>)[0]!.addresses.length === 1, 2000, 'pod removed');
    await h.client.delete(R.services, 'default', 'myapp-svc-headless');
    await eventually(() => h.client.all(R.endpoints).length === 0, 2000, 'endpoints deleted with service');
  } finally { h.stop(); }
});
