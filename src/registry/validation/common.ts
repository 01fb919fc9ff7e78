// Validation pieces several kinds share: access modes, node selectors, label selector objects, quantities,
// hostPath sources and path rules. Messages and paths are upstream's, literally.
// Upstream: pkg/apis/core/validation/validation.go, apimachinery pkg/apis/meta/v1/validation/validation.go.
import { forbidden, invalid, notSupported, required, type BadValue, type FieldError } from '../../api/field.js';
import { isQualifiedName, isValidLabelValue } from '../../api/labels.js';
import { compareQuantity, formatQuantity, parseQuantity, type Quantity } from '../../api/quantity.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateLabels } from './meta.js';

// ---- access modes ----
export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** PV and PVC access modes: required, supported, and ReadWriteOncePod alone. `requiredDetail` differs (PVC: "at least 1 access mode is required"). */
export function validateAccessModes(modes: unknown, path: string, requiredDetail = ''): FieldError[] {
  const errs: FieldError[] = [];
  const list = Array.isArray(modes) ? (modes as string[]) : [];
  if (list.length === 0) errs.push(required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** helper.GetAccessModesAsString: "RWO,ROX,RWX,RWOP" in that fixed order, deduplicated. */
export function accessModesString(modes: unknown): string {
  const list = Array.isArray(modes) ? (modes as string[]) : [];
  const out: string[] = [];
  for (const [mode, short] of [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']] as const) {
    if (list.includes(mode)) out.push(short);
  }
  return out.join(',');
}

// ---- node selectors ----
interface NodeSelectorRequirement { key?: string; operator?: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
export interface NodeSelector { nodeSelectorTerms?: NodeSelectorTerm[] }

export function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In': case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${path}.operator`, rq.operator ?? '', 'not a valid selector operator'));
  }
  for (const msg of isQualifiedName(rq.key ?? '')) errs.push(invalid(`${path}.key`, rq.key ?? '', msg));
  values.forEach((v, i) => { for (const msg of isValidLabelValue(v)) errs.push(invalid(`${path}.values[${i}]`, v, msg)); });
  return errs;
}

export function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(invalid(`${path}.operator`, rq.operator ?? '', 'not a valid selector operator'));
  if (rq.key !== 'metadata.name') errs.push(invalid(`${path}.key`, rq.key ?? '', 'not a valid field selector key'));
  else values.forEach((v, i) => { for (const msg of nameIsDNSSubdomain(v, false)) errs.push(invalid(`${path}.values[${i}]`, v, msg)); });
  return errs;
}

/** ValidateNodeSelector (PV nodeAffinity.required, pod required node affinity). */
export function validateNodeSelector(sel: NodeSelector, path: string): FieldError[] {
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((t, i) => {
    const tp = `${path}.nodeSelectorTerms[${i}]`;
    (t.matchExpressions ?? []).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, `${tp}.matchExpressions[${j}]`)));
    (t.matchFields ?? []).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, `${tp}.matchFields[${j}]`)));
  });
  return errs;
}

// ---- label selector objects ----
interface LabelSelectorRequirement { key?: string; operator?: string; values?: string[] }
export interface LabelSelectorObj { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }

/** metav1 validation.ValidateLabelSelector (PVC spec.selector, workload selectors). */
export function validateLabelSelectorObject(sel: LabelSelectorObj | null | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((sr, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = sr.values ?? [];
    switch (sr.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, sr.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(sr.key ?? '')) errs.push(invalid(`${p}.key`, sr.key ?? '', msg));
    values.forEach((v, j) => { for (const msg of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, msg)); });
  });
  return errs;
}

// ---- quantities ----
const ZERO: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };

/** Parses a quantity field value; undefined if absent or malformed (malformed ones are the decoder's 400). */
export function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try { return parseQuantity(v); } catch { return undefined; }
}

/** A quantity that does not parse, reported at its path (normally the codec rejects it before validation). */
function unparsable(v: unknown, path: string): FieldError[] {
  try { parseQuantity(v as string); return []; } catch (e) { return [invalid(path, typeof v === 'string' ? v : String(v), (e as Error).message)]; }
}

/** ValidatePositiveQuantityValue: `Invalid value: "0": must be greater than zero`. */
export function validatePositiveQuantity(v: unknown, path: string): FieldError[] {
  const q = quantityOf(v);
  if (!q) return unparsable(v, path);
  return compareQuantity(q, ZERO) <= 0 ? [invalid(path, formatQuantity(q), 'must be greater than zero')] : [];
}

/** ValidateNonnegativeQuantity: `must be greater than or equal to 0`. */
export function validateNonnegativeQuantity(v: unknown, path: string): FieldError[] {
  const q = quantityOf(v);
  if (!q) return unparsable(v, path);
  return compareQuantity(q, ZERO) < 0 ? [invalid(path, formatQuantity(q), 'must be greater than or equal to 0')] : [];
}

/** ValidateResourceQuantityValue: non-negative, and whole numbers for integer resources (pods, services, ...). */
export function validateResourceQuantity(resource: string, v: unknown, path: string): FieldError[] {
  const errs = validateNonnegativeQuantity(v, path);
  const q = quantityOf(v);
  const integerResources = ['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers'];
  if (q && errs.length === 0 && integerResources.includes(resource)) {
    const milli = q.scale >= -3 ? q.unscaled * 10n ** BigInt(q.scale + 3) : q.unscaled / 10n ** BigInt(-q.scale - 3);
    if (milli % 1000n !== 0n) errs.push(invalid(path, formatQuantity(q), 'must be an integer'));
  }
  return errs;
}

/** Go's %#v of a core.ResourceList, as a NotSupported/Invalid bad value (e.g. `core.ResourceList(nil)`). */
export function resourceListValue(list: Record<string, unknown> | undefined | null): BadValue {
  if (!list) return { raw: 'core.ResourceList(nil)' };
  const items = Object.keys(list).sort().map((k) => {
    const q = quantityOf(list[k]);
    const body = q
      ? `resource.Quantity{i:resource.int64Amount{value:${q.unscaled}, scale:${q.scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(q.cached ?? '')}, Format:${JSON.stringify(q.format)}}`
      : 'resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:""}';
    return `${JSON.stringify(k)}:${body}`;
  });
  return { raw: `core.ResourceList{${items.join(', ')}}` };
}

// ---- paths ----
/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..`. */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** validateLocalNonReservedPath: as descending, and not starting with `..` (e.g. `..data`). */
export function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

/** The absolute-path rule used by NFS and local volumes. */
export function validateAbsolutePath(p: string, path: string): FieldError[] {
  return p.startsWith('/') ? [] : [invalid(path, p, 'must be an absolute path')];
}

// ---- hostPath ----
export const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

export function validateHostPathType(t: unknown, path: string): FieldError[] {
  if (t === undefined || t === null) return [];
  return HOST_PATH_TYPES.includes(t as string) ? [] : [notSupported(path, t as string, HOST_PATH_TYPES)];
}

/** validateHostPathVolumeSource (PV spec.hostPath and pod volumes). */
export function validateHostPathVolumeSource(src: { path?: string; type?: string }, path: string): FieldError[] {
  if (!src.path) return [required(`${path}.path`)];
  return [...validatePathNoBacksteps(src.path, `${path}.path`), ...validateHostPathType(src.type, `${path}.type`)];
}

/** ValidateClassName (storage classes, volume attributes classes): a DNS subdomain. */
export function validateClassName(name: string, path: string): FieldError[] {
  return nameIsDNSSubdomain(name, false).map((msg) => invalid(path, name, msg));
}

/** A string field that must be one of `supported` (printed sorted, as sets.List does). */
export function validateEnum(v: unknown, supported: string[], path: string): FieldError[] {
  return supported.includes(v as string) ? [] : [notSupported(path, v as string, [...supported].sort())];
}
