// Downward API values: pod fields by path and container resources by name, formatted as upstream.
// Upstream: pkg/fieldpath/fieldpath.go (ExtractFieldPathAsString, FormatMap),
// pkg/api/v1/resource/helpers.go (ExtractContainerResourceValue)
import os from 'node:os';
import { parseQuantity } from '../quantity.js';
import type { Pod } from './types.js';

/** k="v" lines sorted by key, as FormatMap (values quoted with Go %q). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

export function fieldPathValue(pod: Pod, fieldPath: string, hostIP: string): string {
  const md = pod.metadata;
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (sub) return (sub[1] === 'labels' ? md.labels : md.annotations)?.[sub[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return md.name;
    case 'metadata.namespace': return md.namespace;
    case 'metadata.uid': return md.uid;
    case 'metadata.labels': return formatMap(md.labels);
    case 'metadata.annotations': return formatMap(md.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': case 'status.podIP': return hostIP;
    case 'status.hostIPs': case 'status.podIPs': return hostIP;
    default: throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

interface ResourceFieldRef { resource: string; containerName?: string; divisor?: string | number }

export function resourceFieldValue(pod: Pod, ref: ResourceFieldRef, containerName?: string): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === (ref.containerName || containerName));
  const [kind, res] = ref.resource.split('.') as ['limits' | 'requests', string];
  const raw = (c?.resources?.[kind] as Record<string, string> | undefined)?.[res];
  let value = parseQuantity(raw);
  if (value === undefined) {
    // Unset limits default to node allocatable; unset requests to 0 (cpu/memory) as upstream.
    if (kind === 'limits') value = res === 'cpu' ? os.cpus().length : res === 'memory' ? os.totalmem() : 0;
    else value = 0;
  }
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  return String(Math.ceil(value / divisor - 1e-9));
}
