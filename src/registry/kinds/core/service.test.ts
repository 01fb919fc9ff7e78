import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../api/field.js';
import { service, type ServiceObject } from './service.js';
import { endpoints, formatEndpoints, type EndpointsObject } from './endpoints.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), dryRun: false };
const msgs = (errs: Parameters<typeof formatFieldError>[0][]) => errs.map(formatFieldError);
function svc(spec: Record<string, unknown>, name = 'web'): ServiceObject {
  const s: ServiceObject = { metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: structuredClone(spec) };
  service.defaults!(s);
  service.prepareForCreate!(s, ctx);
  return s;
}

test('service defaults', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'b', port: 81, targetPort: 'http' }] });
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'b', port: 81, targetPort: 'http', protocol: 'TCP' }],
    sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  assert.deepEqual(s.status, { loadBalancer: {} });
  const headless = svc({ clusterIP: 'None', ports: [{ port: 80 }] });
  assert.deepEqual([headless.spec!.clusterIPs, headless.spec!.ipFamilyPolicy, headless.spec!.ipFamilies], [['None'], 'RequireDualStack', ['IPv4', 'IPv6']]);
  const np = svc({ type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] });
  assert.equal(np.spec!.externalTrafficPolicy, 'Cluster');
  const ext = svc({ type: 'ExternalName', externalName: 'example.com' });
  assert.equal(ext.spec!.ipFamilyPolicy, undefined);
  assert.deepEqual(service.validate!(ext, ctx), []);
});

test('service validation messages', () => {
  assert.deepEqual(msgs(service.validate!(svc({ selector: { app: 'x' } }), ctx)), ['spec.ports: Required value']);
  assert.deepEqual(msgs(service.validate!(svc({ ports: [{ port: 80 }, { port: 80 }] }, '1web'), ctx)), [
    'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    'spec.ports[0].name: Required value',
    'spec.ports[1].name: Required value',
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
  assert.deepEqual(msgs(service.validate!(svc({ type: 'Balancer', ports: [{ port: 70000, nodePort: 30000 }] }), ctx)), [
    'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.type: Unsupported value: "Balancer": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(msgs(service.validate!(svc({ ports: [{ port: 80, nodePort: 30000 }] }), ctx)), ['spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'']);
});

test('service updates keep allocated values and refuse changing them', () => {
  const old = svc({ selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.43.0.10' });
  assert.deepEqual(old.spec!.clusterIPs, ['10.43.0.10']);
  const put = { metadata: { ...old.metadata }, spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] } } as ServiceObject;
  service.defaults!(put);
  service.prepareForUpdate!(put, old, ctx);
  assert.equal(put.spec!.clusterIP, '10.43.0.10');
  assert.deepEqual(service.validateUpdate!(put, old, ctx), []);
  const moved = structuredClone(old);
  moved.spec!.clusterIP = '10.43.0.11';
  moved.spec!.clusterIPs = ['10.43.0.11'];
  assert.deepEqual(msgs(service.validateUpdate!(moved, old, ctx)), ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.11"}: may not change once set']);
});

test('service printer: Cluster-IP, External-IP and Port(s)', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  const c = svc({ selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80 }], clusterIP: '10.43.0.10' });
  assert.deepEqual(service.printer!.cells(c, now), ['web', 'ClusterIP', '10.43.0.10', '<none>', '80/TCP', '5m', 'app=web,tier=fe']);
  const h = svc({ clusterIP: 'None', ports: [{ port: 80 }] });
  assert.deepEqual(service.printer!.cells(h, now).slice(1, 5), ['ClusterIP', 'None', '<none>', '80/TCP']);
  assert.equal(service.printer!.cells(h, now)[6], '<none>');
  const n = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }], clusterIP: '10.43.0.9' });
  assert.deepEqual(service.printer!.cells(n, now).slice(1, 5), ['NodePort', '10.43.0.9', '<none>', '80:30080/TCP,53:30053/UDP']);
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 443 }], clusterIP: '10.43.0.8' });
  assert.equal(service.printer!.cells(lb, now)[3], '<pending>');
  lb.status = { loadBalancer: { ingress: [{ ip: '172.18.0.2' }] } };
  assert.equal(service.printer!.cells(lb, now)[3], '172.18.0.2');
  const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.deepEqual(service.printer!.cells(ext, now).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
});

test('endpoints printer: three then + N more...', () => {
  const ep = (subsets: EndpointsObject['subsets']) => formatEndpoints({ metadata: { name: 'e' }, subsets });
  assert.equal(ep(undefined), '<none>');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80');
  assert.equal(ep([{ addresses: [1, 2, 3, 4, 5].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }] }]), '10.0.0.1', 'headless without ports');
  assert.equal(ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), '', 'not-ready addresses are not shown');
});

test('endpoints defaults and validation', () => {
  const e: EndpointsObject = { metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: 'x' }], ports: [{ port: 80 }, { port: 81 }] }, {}] };
  endpoints.defaults!(e);
  assert.equal(e.subsets![0]!.ports![0]!.protocol, 'TCP');
  assert.deepEqual(msgs(endpoints.validate!(e, ctx)), [
    'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address',
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].name: Required value',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
});
