// Just enough resource.Quantity parsing for the agent: sizes (sizeLimit, memory) and cpu to numbers.
// Upstream: k8s.io/apimachinery/pkg/api/resource/quantity.go
const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  const mult = SUFFIX[m[3]!];
  if (mult === undefined) return undefined;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * mult;
}
