// Field errors as apimachinery's field.ErrorList: collect every error with its path, then format
// them exactly as upstream does. Upstream: k8s.io/apimachinery/pkg/util/validation/field/errors.go

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

/** A value as Go's %v/%q would print it in a field error. Raw strings are printed verbatim (e.g. `core.ResourceList(nil)`). */
export type BadValue = string | number | boolean | null | undefined | { raw: string };

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: BadValue;
  detail?: string;
}

/** A field path as apimachinery's field.Path: child(a).child(b).index(0).key(k) -> a.b[0][k]. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name: string): FieldPath { return new FieldPath(name); }
  child(name: string, ...more: string[]): FieldPath {
    let t = this.text ? `${this.text}.${name}` : name;
    for (const m of more) t = `${t}.${m}`;
    return new FieldPath(t);
  }
  index(i: number): FieldPath { return new FieldPath(`${this.text}[${i}]`); }
  key(k: string): FieldPath { return new FieldPath(`${this.text}[${k}]`); }
  toString(): string { return this.text; }
}

type P = FieldPath | string;
const s = (p: P) => String(p);

export const required = (p: P, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: s(p), detail });
export const invalid = (p: P, value: BadValue, detail = ''): FieldError => ({ type: 'FieldValueInvalid', field: s(p), badValue: value, detail });
export const notSupported = (p: P, value: BadValue, supported: string[]): FieldError => ({
  type: 'FieldValueNotSupported', field: s(p), badValue: value,
  detail: supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '',
});
export const forbidden = (p: P, detail = ''): FieldError => ({ type: 'FieldValueForbidden', field: s(p), detail });
export const duplicate = (p: P, value: BadValue): FieldError => ({ type: 'FieldValueDuplicate', field: s(p), badValue: value });
export const notFound = (p: P, value: BadValue): FieldError => ({ type: 'FieldValueNotFound', field: s(p), badValue: value });
export const tooLong = (p: P, _value: BadValue, max: number): FieldError => ({ type: 'FieldValueTooLong', field: s(p), detail: `must have at most ${max} bytes` });

/** Renders a bad value the way Go's field.Error does (%q for strings, %v for numbers/bools; nil becomes the
 * string "null" and is therefore quoted, as ErrorBody does). */
export function renderValue(v: BadValue): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return v.raw;
  return String(v);
}

const bodies: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
};

/** The cause message without the field: "Unsupported value: \"x\": supported values: ...". */
export function errorBody(e: FieldError): string {
  let body = bodies[e.type];
  switch (e.type) {
    case 'FieldValueRequired': case 'FieldValueForbidden': case 'FieldValueTooLong':
      break;
    default:
      if (e.badValue !== undefined || e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported') body += `: ${renderValue(e.badValue)}`;
  }
  if (e.detail) body += `: ${e.detail}`;
  return body;
}

/** "<field>: <body>" as field.Error.Error(). */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** Aggregate as utilerrors.NewAggregate(...).Error(): one error alone, several in [a, b], duplicates removed. */
export function aggregate(errs: FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = formatFieldError(e);
    if (!seen.has(m)) { seen.add(m); msgs.push(m); }
  }
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}
