// Label selectors (metav1.LabelSelector, via src/api/labels.ts) and node selectors (core/v1 NodeSelector,
// with Gt/Lt and matchFields, which label selectors lack) as predicates.
// Upstream: apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector, component-helpers/scheduling/corev1/nodeaffinity
import { formatLabelSelector, labelSelectorFromObject, matchesLabels, type LabelSelector as ParsedSelector } from '../api/labels.js';
export interface LabelSelectorRequirement { key: string; operator: string; values?: string[] }
export interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }
export interface NodeSelectorRequirement { key: string; operator: string; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
export interface NodeSelector { nodeSelectorTerms?: NodeSelectorTerm[] }

export type Labels = Record<string, string> | undefined;

function matchRequirement(r: { key: string; operator: string; values?: string[] }, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(v!);
    case 'NotIn': return !has || !(r.values ?? []).includes(v!);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': case 'Lt': {
      if (!has || (r.values ?? []).length !== 1) return false;
      const a = Number.parseInt(v!, 10), b = Number.parseInt(r.values![0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

const parsed = new WeakMap<object, ParsedSelector>();
/**
 * Whether labels match a LabelSelector. A nil selector matches nothing, an empty one everything
 * (LabelSelectorAsSelector), as controllers treat them. Invalid selectors match nothing.
 */
export function selectorMatches(sel: LabelSelector | undefined | null, labels: Labels): boolean {
  if (!sel) return false;
  let p = parsed.get(sel);
  if (!p) {
    try { p = labelSelectorFromObject(sel); } catch { p = { requirements: [], nothing: true }; }
    parsed.set(sel, p);
  }
  return matchesLabels(p, labels);
}

/** Whether a selector selects everything (no requirements). */
export function selectorIsEmpty(sel: LabelSelector | undefined | null): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** The selector string Scale status and printers show ("app=web"); "" when empty. */
export function selectorString(sel: LabelSelector | undefined): string {
  const s = formatLabelSelector(sel);
  return s === '<none>' || s === '<error>' ? '' : s;
}

/** Whether a map selector (pod.spec.nodeSelector, service.spec.selector) matches labels; empty matches all. */
export function mapSelectorMatches(sel: Record<string, string> | undefined, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel ?? {})) if (labels?.[k] !== v) return false;
  return true;
}

/** A NodeSelector: terms are ORed, requirements within a term ANDed; an empty term matches nothing. */
export function nodeSelectorMatches(ns: NodeSelector | undefined, node: { metadata: { name?: string; labels?: Record<string, string> } }): boolean {
  const terms = ns?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    const exprs = t.matchExpressions ?? [], fields = t.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) continue;
    if (!exprs.every((r) => matchRequirement(r, node.metadata.labels))) continue;
    if (!fields.every((r) => r.key === 'metadata.name' && matchRequirement(r, { 'metadata.name': node.metadata.name ?? '' }))) continue;
    return true;
  }
  return false;
}
