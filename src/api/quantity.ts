// resource.Quantity: parsing with upstream's hand-written scanner and error texts, exact arithmetic on
// bigints, and the canonical String() form that the API server stores and printers show.
// Upstream: k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity, parseQuantityString,
// CanonicalizeBytes), suffix.go, amount.go (AsCanonicalBytes, AsCanonicalBase1024Bytes, removeInt64Factors).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: `unscaled * 10^scale` (scale >= -9 after parsing), the format it was written in, and
 *  upstream's cached string when the input was already canonical (Quantity.s). */
export interface Quantity {
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  readonly cached?: string;
}

export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface Scanned { positive: boolean; value: string; num: string; denom: string; suffix: string }

// Upstream: quantity.go, parseQuantityString — kept structurally identical so the accepted language and the
// error chosen for each malformed input match.
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  }
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++; else break;
  }
  let num = '';
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
    if (!isDigit(str[i])) { num = str.slice(pos, i); pos = i; break; }
  }
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    for (let i = pos; ; i++) {
      if (i >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: '' };
      if (!isDigit(str[i])) { denom = str.slice(pos, i); pos = i; break; }
    }
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
    if (!'eEinumkKMGTP'.includes(str[i]!)) { pos = i; break; }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
    if (!isDigit(str[i])) break;
  }
  throw new Error(ERR_FORMAT_WRONG);
}

// Upstream: suffix.go, suffixHandler.interpret.
function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (s in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[s]!, format: 'DecimalSI' };
  if (s in binarySuffixes) return { base: 2, exponent: binarySuffixes[s]!, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const exponent = Number(rest);
    if (!Number.isSafeInteger(exponent)) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Divides `a` by 10^k rounding away from zero (inf.RoundUp), as upstream does when capping precision at nano. */
function divRoundUp(a: bigint, k: number): bigint {
  const d = pow10(k);
  const q = a / d;
  if (q * d === a) return q;
  return a < 0n ? q - 1n : q + 1n;
}

/** Parses a quantity string (or a JSON number) exactly as resource.ParseQuantity, throwing upstream's errors. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) throw new Error(ERR_FORMAT_WRONG);
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', cached: '0' };
  const { positive, value, num, denom, suffix } = scan(str);
  const suf = interpretSuffix(suffix);
  if (!suf) throw new Error(ERR_SUFFIX);
  let format = suf.format;

  // Upstream's int64 fast path: it only matters here because it decides when the input string is kept
  // verbatim as the quantity's String() ("100Mi" stays, "1024Mi" becomes "1Gi").
  let cacheable = false;
  if (format === 'BinarySI') {
    if (suf.exponent >= 0 && denom.length === 0) {
      const precision = 15 - num.length - Math.trunc((suf.exponent * 3) / 10) - 1;
      const v = BigInt(num);
      cacheable = precision >= 0 && suf.exponent % 10 === 0 && (v & 7n) !== 0n && (v << BigInt(suf.exponent)) <= MAX_INT64;
    }
  } else {
    const precision = 18 - (num.length + denom.length);
    const scale = suf.exponent - denom.length;
    const shifted = num + denom;
    cacheable = precision >= 0 && scale >= NANO && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }

  // Exact value: digits of `value` (sign, integer part, fraction) times the suffix.
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m) throw new Error(ERR_NUMERIC);
  const frac = m[3] ?? '';
  let unscaled = BigInt((m[2] || '0') + frac || '0');
  let scale = -frac.length;
  if (suf.base === 10) scale += suf.exponent;
  else unscaled <<= BigInt(suf.exponent);
  if (!positive) unscaled = -unscaled;
  if (unscaled !== 0n && scale < NANO) { unscaled = divRoundUp(unscaled, NANO - scale); scale = NANO; }
  if (format === 'BinarySI') {
    const abs = unscaled < 0n ? -unscaled : unscaled;
    const max = scale >= 0 ? MAX_INT64 / pow10(scale) : MAX_INT64 * pow10(-scale);
    if (abs > max) { unscaled = unscaled < 0n ? -MAX_INT64 : MAX_INT64; scale = 0; }
    // Below one unit a binary suffix cannot be printed exactly.
    if (compareScaled(abs, scale, 1n, 0) < 0 && abs !== 0n) format = 'DecimalSI';
  }
  return cacheable ? { unscaled, scale, format, cached: str } : { unscaled, scale, format };
}

/** Whether `s` parses as a quantity. */
export function isQuantity(s: unknown): boolean {
  if (typeof s !== 'string' && typeof s !== 'number') return false;
  try { parseQuantity(s); return true; } catch { return false; }
}

function compareScaled(a: bigint, as: number, b: bigint, bs: number): -1 | 0 | 1 {
  const s = Math.min(as, bs);
  const x = a * pow10(as - s);
  const y = b * pow10(bs - s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return compareScaled(a.unscaled, a.scale, b.unscaled, b.scale);
}

export const quantitySign = (q: Quantity): -1 | 0 | 1 => (q.unscaled < 0n ? -1 : q.unscaled > 0n ? 1 : 0);

/** The value in base units (bytes, cores); fractional for milli-quantities; may lose precision beyond 2^53. */
export function quantityValue(q: Quantity): number {
  if (q.scale >= 0) return Number(q.unscaled * pow10(q.scale));
  return Number(q.unscaled) / 10 ** -q.scale;
}

/** The value rounded up to whole units, exactly (Quantity.Value()). */
export function quantityIntValue(q: Quantity): bigint {
  return q.scale >= 0 ? q.unscaled * pow10(q.scale) : divRoundUp(q.unscaled, -q.scale);
}

/** A quantity of `value` whole units in the given format (resource.NewQuantity). */
export function newQuantity(value: bigint | number, format: QuantityFormat = 'BinarySI'): Quantity {
  return { unscaled: BigInt(value), scale: 0, format };
}

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  const negative = v < 0n;
  let r = negative ? -v : v;
  let times = 0;
  while (r >= base && r % base === 0n) { r /= base; times++; }
  return [negative ? -r : r, times];
}

/** The canonical text of a quantity, as resource.Quantity.String(): "1Gi", "1536Mi", "1500m", "1G", "1e3". */
export function formatQuantity(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = compareScaled(q.unscaled, q.scale, -1024n, 0) > 0 && compareScaled(q.unscaled, q.scale, 1024n, 0) < 0;
    const whole = q.scale >= 0 || q.unscaled % pow10(-q.scale) === 0n;
    if (small || !whole) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    const units = q.scale >= 0 ? q.unscaled * pow10(q.scale) : q.unscaled / pow10(-q.scale);
    const [amount, times] = removeFactors(units, 1024n);
    return `${amount}${binaryByExponent.get(times * 10) ?? ''}`;
  }
  // Upstream: amount.go, AsCanonicalBytes — strip factors of ten, then lower the exponent to a multiple of 3.
  let [amount, times] = removeFactors(q.unscaled, 10n);
  let exponent = q.scale + times;
  const r = ((exponent % 3) + 3) % 3;
  if (r !== 0) { amount *= pow10(r); exponent -= r; }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  return `${amount}${decimalByExponent.get(exponent) ?? ''}`;
}

/** parse then format: the form the API server stores for a quantity the user wrote. */
export function canonicalQuantity(s: string | number): string {
  return formatQuantity(parseQuantity(s));
}
