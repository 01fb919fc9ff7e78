// Just enough of resource.Quantity to compare sizes (admission only; the codec validates syntax).
const SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = q.trim().match(/^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/);
  if (!m) return undefined;
  const mul = SUFFIX[m[3]!];
  if (mul === undefined) return undefined;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1) * mul;
}
