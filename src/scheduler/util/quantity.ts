// Quantities as plain numbers of base units for the scheduler's arithmetic (requests vs allocatable,
// claim sizes), over the shared parser in src/api/quantity.ts. Upstream: apimachinery resource/quantity.go
import { parseQuantity as parse, quantityValue } from '../../api/quantity.js';

const memo = new Map<string, number>();

/** The value in base units (cores, bytes); NaN when malformed; 0 for undefined. */
export function parseQuantity(q: string | number | undefined | null): number {
  if (q === undefined || q === null || q === '') return 0;
  if (typeof q === 'number') return q;
  let v = memo.get(q);
  if (v === undefined) {
    try { v = quantityValue(parse(q)); } catch { v = Number.NaN; }
    if (memo.size > 10_000) memo.clear();
    memo.set(q, v);
  }
  return v;
}

/** CPU in millicores, rounded up as Quantity.MilliValue(). */
export function milliValue(q: string | number | undefined): number {
  return Math.ceil(Math.round(parseQuantity(q) * 1e9) / 1e6);
}
