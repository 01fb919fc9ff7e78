// Go's %#v rendering of the few composite values upstream puts into field errors as "bad values", so the
// messages read exactly like kube-apiserver's (e.g. `map[string]string{"app":"web"}`,
// `intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}`). Upstream: apimachinery field/errors.go, Error()
// falls back to %#v for values that are neither simple types nor fmt.Stringers.
import type { BadValue } from '../../../api/field.js';
import type { IntOrString } from './types.js';

const q = (s: string) => JSON.stringify(s);

/** %#v of a map[string]string; Go prints map keys sorted. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(m).sort().map((k) => `${q(k)}:${q(String(m[k]))}`).join(', ')}}`;
}

/** %#v of a []string. */
export function goStringSlice(v: string[] | undefined | null): string {
  if (!v) return '[]string(nil)';
  return `[]string{${v.map(q).join(', ')}}`;
}

/** %#v of an intstr.IntOrString (its String() has a pointer receiver, so a value is printed field by field). */
export function goIntOrString(v: IntOrString): string {
  return typeof v === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${q(v)}}`
    : `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
}

interface SelectorLike { matchLabels?: Record<string, string>; matchExpressions?: { key?: string; operator?: string; values?: string[] }[] }

/** %#v of a metav1.LabelSelector (printed as v1.LabelSelector, its package name). */
export function goLabelSelector(sel: SelectorLike | undefined | null): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const exprs = sel.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) =>
      `v1.LabelSelectorRequirement{Key:${q(e.key ?? '')}, Operator:${q(e.operator ?? '')}, Values:${goStringSlice(e.values)}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

export const raw = (text: string): BadValue => ({ raw: text });
