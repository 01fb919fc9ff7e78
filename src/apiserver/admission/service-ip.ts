// Service ClusterIP allocation from the service CIDR (10.43.0.0/16, as k3s); headless "None" is kept.
// Upstream: pkg/registry/core/service/ipallocator (allocation happens in the service REST storage).
import { invalid } from '../../api/errors.js';
import { invalid as fieldInvalid } from '../../api/field.js';
import type { AdmissionPlugin } from './types.js';
import { isCore } from './types.js';

export const SERVICE_CIDR = { base: (10 << 24) | (43 << 16), size: 1 << 16 };
const ipString = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const ipNumber = (s: string) => s.split('.').reduce((a, p) => (a << 8) + Number(p), 0) >>> 0;

interface Svc { spec?: { type?: string; clusterIP?: string; clusterIPs?: string[] } }

export const serviceClusterIP: AdmissionPlugin = {
  name: 'ServiceClusterIPAllocation',
  async admit(a, store) {
    if (a.operation !== 'CREATE' || !isCore(a.resource, 'services') || a.subresource || !a.obj) return;
    const spec = ((a.obj as Svc).spec ??= {});
    if (spec.type === 'ExternalName') return;
    const want = spec.clusterIP || spec.clusterIPs?.[0];
    if (want === 'None') { spec.clusterIP = 'None'; spec.clusterIPs = ['None']; return; }
    const used = new Set<string>();
    for (const s of (await store.list(a.resource, undefined)).items) {
      const ip = (s as Svc).spec?.clusterIP;
      if (ip) used.add(ip);
    }
    if (want) {
      const n = ipNumber(want);
      if (n >>> 16 !== SERVICE_CIDR.base >>> 16) {
        throw invalid('', 'Service', a.name, [fieldInvalid('spec.clusterIPs[0]', want, 'failed to allocate IP ' + want + ': the provided IP (' + want + ') is not in the valid range. The range of valid IPs is 10.43.0.0/16')]);
      }
      if (used.has(want)) {
        throw invalid('', 'Service', a.name, [fieldInvalid('spec.clusterIPs', [want].join(','), `failed to allocate IP ${want}: provided IP is already allocated`)]);
      }
      spec.clusterIP = want; spec.clusterIPs = [want];
      return;
    }
    // Random start, then linear probe (upstream picks randomly within the range, skipping .0 and the broadcast).
    const start = 1 + Math.floor(Math.random() * (SERVICE_CIDR.size - 2));
    for (let i = 0; i < SERVICE_CIDR.size - 2; i++) {
      const off = 1 + ((start - 1 + i) % (SERVICE_CIDR.size - 2));
      const ip = ipString(SERVICE_CIDR.base + off);
      if (!used.has(ip) && off !== 1) { spec.clusterIP = ip; spec.clusterIPs = [ip]; return; }
    }
  },
};
