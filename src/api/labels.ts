// Label and field selectors: parsing with upstream's grammar and error texts, matching, and the string form.
// Upstream: k8s.io/apimachinery/pkg/labels/selector.go (Lexer, Parser, NewRequirement, Requirement.Matches),
// pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector, FormatLabelSelector), pkg/fields/selector.go.
import { formatFieldError, invalid, notSupported, type FieldError } from './field.js';

// ---- name and value validation (Upstream: k8s.io/apimachinery/pkg/util/validation/validation.go) ----
// They live here, in the api layer, because selectors need them; registry/validation/names.ts re-exports them.

export const maxLenError = (n: number) => `must be no more than ${n} characters`;
export const EMPTY_ERROR = 'must be non-empty';

/** validation.RegexError, including upstream's double space after the first example ("'my-name',  or"). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let m = `${msg} (e.g. `;
  examples.forEach((e, i) => { if (i > 0) m += ' or '; m += `'${e}', `; });
  return `${m}regex used for validation is '${fmt}')`;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(v)) {
    // A valid subdomain that is not a valid label (length already checked) must contain dots.
    errs.push(dns1123SubdomainRe.test(v) ? 'must not contain dots' : regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(v)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(v)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement { key: string; operator: LabelOperator; values: string[] }

/** A parsed label selector: requirements sorted by key (ANDed). `nothing` matches no object at all. */
export interface LabelSelector { requirements: Requirement[]; nothing?: boolean }

/** metav1.LabelSelector, the object form used in specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const validRequirementOperators = ['in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'];
const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

export const everything = (): LabelSelector => ({ requirements: [] });
export const nothing = (): LabelSelector => ({ requirements: [], nothing: true });

/** An aggregate of field errors as an Error, as field.ErrorList.ToAggregate().Error(). */
function aggregateError(errs: FieldError[]): Error {
  const msgs = [...new Set(errs.map(formatFieldError))];
  return new Error(msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`);
}

function validateLabelKey(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

// Go prints a []string bad value with %#v.
const goStrings = (vals: string[]) => ({ raw: `[]string{${vals.map((v) => JSON.stringify(v)).join(', ')}}` });

/** labels.NewRequirement: validates key, operator arity and values; throws the aggregated field errors. */
export function newRequirement(key: string, operator: LabelOperator, values: string[]): Requirement {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKey(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) errs.push(invalid('values', goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) errs.push(invalid('values', goStrings(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists': case '!':
      if (values.length !== 0) errs.push(invalid('values', goStrings(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt': case 'lt':
      if (values.length !== 1) errs.push(invalid('values', goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => { if (!/^[+-]?[0-9]+$/.test(v)) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer")); });
      break;
    default:
      errs.push(notSupported('operator', operator, validRequirementOperators));
  }
  values.forEach((v, i) => {
    const e = isValidLabelValue(v);
    if (e.length) errs.push(invalid(`values[${i}][${key}]`, v, e.join('; ')));
  });
  if (errs.length) throw aggregateError(errs);
  return { key, operator, values: [...values] };
}

// ---- lexer (Upstream: selector.go, Lexer) ----
type Tok = 'ERR' | 'EOS' | 'CP' | 'COMMA' | 'NOTEXIST' | 'DEQ' | 'EQ' | 'GT' | 'ID' | 'IN' | 'LT' | 'NEQ' | 'NOTIN' | 'OP';
const symbols: [string, Tok][] = [['!=', 'NEQ'], ['==', 'DEQ'], ['!', 'NOTEXIST'], ['(', 'OP'], [')', 'CP'], [',', 'COMMA'], ['=', 'EQ'], ['>', 'GT'], ['<', 'LT']];
const isSpecial = (c: string) => '=!(),><'.includes(c);
const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): [Tok, string][] {
  const out: [Tok, string][] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isWhitespace(s[i]!)) i++;
    if (i >= s.length) { out.push(['EOS', '']); return out; }
    if (isSpecial(s[i]!)) {
      // Longest symbol first: "!=" before "!", "==" before "=".
      const hit = symbols.find(([sym]) => s.startsWith(sym, i));
      if (!hit) { out.push(['ERR', `error expected: keyword found '${s[i]}'`]); return out; }
      out.push([hit[1], hit[0]]);
      i += hit[0].length;
      continue;
    }
    let j = i;
    while (j < s.length && !isWhitespace(s[j]!) && !isSpecial(s[j]!)) j++;
    const word = s.slice(i, j);
    out.push([word === 'in' ? 'IN' : word === 'notin' ? 'NOTIN' : 'ID', word]);
    i = j;
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: [Tok, string][]) {}
  /** In the Values context keywords are plain identifiers. */
  private view(t: [Tok, string], values: boolean): [Tok, string] {
    return values && (t[0] === 'IN' || t[0] === 'NOTIN') ? ['ID', t[1]] : t;
  }
  lookahead(values = true): [Tok, string] { return this.view(this.toks[Math.min(this.pos, this.toks.length - 1)]!, values); }
  consume(values = true): [Tok, string] { const t = this.lookahead(values); if (this.pos < this.toks.length - 1) this.pos++; return t; }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const [tok, lit] = this.lookahead();
      if (tok === 'ID' || tok === 'NOTEXIST') {
        let r: Requirement;
        try { r = this.parseRequirement(); } catch (e) { throw new Error(`unable to parse requirement: ${(e as Error).message}`); }
        reqs.push(r);
        const [t, l] = this.consume();
        if (t === 'EOS') return reqs;
        if (t === 'COMMA') {
          const [t2, l2] = this.lookahead();
          if (t2 !== 'ID' && t2 !== 'NOTEXIST') throw new Error(`found '${l2}', expected: identifier after ','`);
        } else throw new Error(`found '${l}', expected: ',' or 'end of string'`);
      } else if (tok === 'EOS') return reqs;
      else throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private parseRequirement(): Requirement {
    let op: LabelOperator | undefined;
    let [tok, lit] = this.consume();
    if (tok === 'NOTEXIST') { op = '!'; [tok, lit] = this.consume(); }
    if (tok !== 'ID') throw new Error(`found '${lit}', expected: identifier`);
    const keyErr = validateLabelKey(lit, '<nil>');
    if (keyErr) throw new Error(formatFieldError(keyErr));
    const key = lit;
    const [next] = this.lookahead();
    if (next === 'EOS' || next === 'COMMA') { if (op !== '!') op = 'exists'; }
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);
    const [otok, olit] = this.consume(false);
    const ops: Partial<Record<Tok, LabelOperator>> = { IN: 'in', EQ: '=', DEQ: '==', GT: 'gt', LT: 'lt', NOTIN: 'notin', NEQ: '!=' };
    op = ops[otok];
    if (!op) throw new Error(`found '${olit}', expected: ${(olit === '!' ? binaryOperators : validRequirementOperators).join(', ')}`);
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseValues(): Set<string> {
    const [tok, lit] = this.consume();
    if (tok !== 'OP') throw new Error(`found '${lit}' expected: '('`);
    const [t2, l2] = this.lookahead();
    if (t2 === 'ID' || t2 === 'COMMA') {
      const s = this.parseIdentifiersList();
      if (this.consume()[0] !== 'CP') throw new Error(`found '${l2}', expected: ')'`);
      return s;
    }
    if (t2 === 'CP') { this.consume(); return new Set(['']); }
    throw new Error(`found '${l2}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const [tok, lit] = this.consume();
      if (tok === 'ID') {
        s.add(lit);
        const [t2, l2] = this.lookahead();
        if (t2 === 'COMMA') continue;
        if (t2 === 'CP') return s;
        throw new Error(`found '${l2}', expected: ',' or ')'`);
      } else if (tok === 'COMMA') {
        if (s.size === 0) s.add('');
        const [t2] = this.lookahead();
        if (t2 === 'CP') { s.add(''); return s; }
        if (t2 === 'COMMA') { this.consume(); s.add(''); }
      } else throw new Error(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Set<string> {
    const [t] = this.lookahead();
    if (t === 'EOS' || t === 'COMMA') return new Set(['']);
    const [tok, lit] = this.consume();
    if (tok === 'ID') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

const byKey = (a: Requirement, b: Requirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** labels.Parse: `a=b,c!=d,e in (x,y),!f,g`; the empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  const reqs = new Parser(lex(s)).parse();
  return { requirements: reqs.sort(byKey) };
}

/** metav1.LabelSelectorAsSelector: undefined/null selects nothing, an empty selector everything. */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (!sel) return nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (!op) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return { requirements: reqs.sort(byKey) };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in': case '=': case '==': return has && r.values.includes(v!);
    case 'notin': case '!=': return !has || !r.values.includes(v!);
    case 'exists': return has;
    case '!': return !has;
    case 'gt': case 'lt': {
      if (!has || !/^[+-]?[0-9]+$/.test(v!)) return false;
      const lv = BigInt(v!);
      return r.values.some((x) => (/^[+-]?[0-9]+$/.test(x) ? (r.operator === 'gt' ? lv > BigInt(x) : lv < BigInt(x)) : false));
    }
  }
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.nothing) return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, l));
}

export const isEverything = (sel: LabelSelector) => !sel.nothing && sel.requirements.length === 0;

/** Selector.String(): `a=b,c in (x,y),!d`; "" for everything and nothing. */
export function labelSelectorString(sel: LabelSelector): string {
  return sel.requirements.map((r) => {
    switch (r.operator) {
      case 'in': case 'notin': return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`; // upstream prints sets.List(values): sorted
      case 'exists': return r.key;
      case '!': return `!${r.key}`;
      case 'gt': return `${r.key}>${r.values[0]}`;
      case 'lt': return `${r.key}<${r.values[0]}`;
      default: return `${r.key}${r.operator}${r.values[0]}`;
    }
  }).join(',');
}

/** metav1.FormatLabelSelector, used by printers: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorString(labelSelectorFromObject(sel)) || '<none>';
  } catch {
    return '<error>';
  }
}

// ---- field selectors (Upstream: k8s.io/apimachinery/pkg/fields/selector.go) ----
export interface FieldTerm { field: string; op: '=' | '!='; value: string }
export interface FieldSelector { terms: FieldTerm[] }

function splitTerms(s: string): string[] {
  if (s === '') return [];
  const out: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) { escaped = false; continue; }
    if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') { out.push(s.slice(start, i)); start = i + 1; }
  }
  out.push(s.slice(start));
  return out;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    // Go prints the rune with %v, i.e. its code point.
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.ParseSelector: comma-ANDed `f=v`, `f==v`, `f!=v` terms. */
export function parseFieldSelector(s: string): FieldSelector {
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(s).sort()) {
    if (part === '') continue;
    let hit: { i: number; op: string } | undefined;
    for (let i = 0; i < part.length && !hit; i++) {
      for (const op of ['!=', '==', '=']) if (part.startsWith(op, i)) { hit = { i, op }; break; }
    }
    if (!hit) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
    terms.push({ field: part.slice(0, hit.i), op: hit.op === '!=' ? '!=' : '=', value: unescapeValue(part.slice(hit.i + hit.op.length)) });
  }
  return { terms };
}

/** Whether an object whose field values `get` returns matches; a missing field reads as "". */
export function matchesFields(sel: FieldSelector, get: (field: string) => string | undefined): boolean {
  return sel.terms.every((t) => ((get(t.field) ?? '') === t.value) === (t.op === '='));
}

/** The fields a selector names, for the API server's "field label not supported" check. */
export const fieldSelectorFields = (sel: FieldSelector): string[] => sel.terms.map((t) => t.field);

/** A term that requires `field` to equal `value` (e.g. metadata.name=X), if the selector has one. */
export function requiredFieldValue(sel: FieldSelector, field: string): string | undefined {
  return sel.terms.find((t) => t.field === field && t.op === '=')?.value;
}
