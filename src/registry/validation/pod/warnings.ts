// Non-fatal warnings for a pod spec, returned in Warning headers (kubectl prints `Warning: <text>`).
// Upstream: pkg/api/pod/warnings.go, GetWarningsForPod / GetWarningsForPodTemplate (warningsForPodSpecAndMeta).
import { parseQuantity } from '../../../api/quantity.js';
import type { PodSpec } from './types.js';

const DEPRECATED_SOURCES: [key: string, note: string][] = [
  ['photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  ['gitRepo', 'deprecated in v1.11'],
  ['scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  ['flocker', 'deprecated in v1.22, support removal is planned in v1.26'],
  ['storageos', 'deprecated in v1.22, non-functional in v1.25+'],
  ['quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  ['glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  ['cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  ['rbd', 'deprecated in v1.28, non-functional in v1.31+'],
];

/** `prefix` is "" for a Pod and the template's path ("spec.template") for templates. */
export function podSpecWarnings(spec: PodSpec | undefined, prefix = ''): string[] {
  if (!spec) return [];
  const base = prefix ? `${prefix}.spec` : 'spec';
  const out: string[] = [];
  (spec.volumes ?? []).forEach((v, i) => {
    for (const [key, note] of DEPRECATED_SOURCES) if (v[key] !== undefined && v[key] !== null) out.push(`${base}.volumes[${i}].${key}: ${note}`);
  });
  if ((spec.terminationGracePeriodSeconds ?? 0) < 0) {
    out.push(`${base}.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`);
  }
  const visit = (list: PodSpec['containers'], name: string) => (list ?? []).forEach((c, i) => {
    for (const kind of ['limits', 'requests'] as const) {
      const v = c.resources?.[kind]?.memory;
      if (v === undefined) continue;
      try {
        const q = parseQuantity(v);
        const milli = q.scale >= -3 ? q.unscaled * 10n ** BigInt(q.scale + 3) : q.unscaled / 10n ** BigInt(-q.scale - 3);
        if (milli % 1000n !== 0n) out.push(`${base}.${name}[${i}].resources.${kind}[memory]: fractional byte value "${String(v)}" is invalid, must be an integer`);
      } catch { /* malformed quantities are rejected elsewhere */ }
    }
  });
  visit(spec.initContainers, 'initContainers');
  visit(spec.containers, 'containers');
  return out;
}
