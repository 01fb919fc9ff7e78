// Label and field selectors as the API server parses and applies them.
// Upstream: k8s.io/apimachinery/pkg/labels/selector.go (Parse), pkg/fields/selector.go (ParseSelector)
import { badRequest } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import type { KindDef } from '../../registry/types.js';

type LabelOp = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
interface LabelReq { key: string; op: LabelOp; values: string[] }

export type Matcher = (obj: KObject) => boolean;

/** Splits on commas outside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = /^([a-z0-9A-Z]([a-z0-9A-Z._/-]*[a-z0-9A-Z])?)$/;

function parseLabelTerm(t: string): LabelReq {
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
    const values = m[3]!.split(',').map((v) => v.trim());
    return check({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
  }
  if ((m = t.match(/^!\s*(\S+)$/))) return check({ key: m[1]!, op: '!', values: [] });
  if ((m = t.match(/^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/))) {
    const op = m[2] === '==' || m[2] === '=' ? '=' : m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : 'lt';
    return check({ key: m[1]!, op, values: [m[3]!] });
  }
  if ((m = t.match(/^(\S+)$/))) return check({ key: m[1]!, op: 'exists', values: [] });
  throw badRequest(`unable to parse requirement: found '${t}', expected: identifier`);
}

function check(r: LabelReq): LabelReq {
  if (!KEY.test(r.key)) {
    throw badRequest(`unable to parse requirement: values[0][${r.key}]: Invalid value: "${r.key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
  return r;
}

/** Parses a label selector; returns undefined for "match everything". */
export function parseLabelSelector(sel: string | undefined): Matcher | undefined {
  if (!sel || !sel.trim()) return undefined;
  const reqs = splitTerms(sel).map(parseLabelTerm);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    for (const r of reqs) {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'exists': if (!has) return false; break;
        case '!': if (has) return false; break;
        case '=': if (!has || v !== r.values[0]) return false; break;
        case '!=': if (has && v === r.values[0]) return false; break;
        case 'in': if (!has || !r.values.includes(v!)) return false; break;
        case 'notin': if (has && r.values.includes(v!)) return false; break;
        case 'gt': if (!has || !(Number(v) > Number(r.values[0]))) return false; break;
        case 'lt': if (!has || !(Number(v) < Number(r.values[0]))) return false; break;
      }
    }
    return true;
  };
}

interface FieldReq { field: string; neg: boolean; value: string }

/** Splits a field selector on unescaped commas and unescapes values (\, \= \\). */
function splitFieldTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) { cur += ch + s[i + 1]; i++; continue; }
    if (ch === ',') { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out.filter((t) => t !== '');
}
const unescape = (v: string) => v.replace(/\\(.)/g, '$1');

export type FieldGetter = (obj: KObject) => string | undefined;

/** The field labels a kind supports: metadata.name, metadata.namespace and its own. */
export function fieldGetters(def: KindDef): Record<string, FieldGetter> {
  return {
    'metadata.name': (o) => o.metadata.name ?? '',
    'metadata.namespace': (o) => o.metadata.namespace ?? '',
    ...(def.fieldSelectors ?? {}),
  };
}

/** Parses a field selector against the kind's supported fields; unknown fields → 400 as upstream. */
export function parseFieldSelector(sel: string | undefined, getters: Record<string, FieldGetter>): { match?: Matcher; name?: string; namespace?: string } {
  if (!sel || !sel.trim()) return {};
  const reqs: FieldReq[] = [];
  for (const t of splitFieldTerms(sel)) {
    const m = t.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${t}'`);
    const field = m[1]!.trim();
    if (!getters[field]) throw badRequest(`field label not supported: ${field}`);
    reqs.push({ field, neg: m[2] === '!=', value: unescape(m[3]!) });
  }
  // An exact metadata.name lets the store read one key instead of scanning (kubectl's informers use it).
  const nameReq = reqs.find((r) => r.field === 'metadata.name' && !r.neg);
  const nsReq = reqs.find((r) => r.field === 'metadata.namespace' && !r.neg);
  return {
    name: nameReq?.value, namespace: nsReq?.value,
    match: (obj) => {
      for (const r of reqs) {
        const v = getters[r.field]!(obj) ?? '';
        if ((v === r.value) === r.neg) return false;
      }
      return true;
    },
  };
}

export function and(a?: Matcher, b?: Matcher): Matcher | undefined {
  if (!a) return b;
  if (!b) return a;
  return (o) => a(o) && b(o);
}
