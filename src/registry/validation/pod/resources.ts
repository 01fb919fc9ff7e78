// Container resource requirements: standard names, non-negative quantities, requests within limits.
// Upstream: pkg/apis/core/validation/validation.go, ValidateResourceRequirements, validateContainerResourceName;
// pkg/apis/core/helper/helpers.go (IsStandardContainerResourceName, IsOvercommitAllowed).
import { invalid, required, type FieldError } from '../../../api/field.js';
import { isQualifiedName } from '../../../api/labels.js';
import { compareQuantity, formatQuantity } from '../../../api/quantity.js';
import { quantityOf, validateResourceQuantity } from '../common.js';
import type { ResourceRequirements } from './types.js';

const isHugePages = (n: string) => n.startsWith('hugepages-');
const isStandardContainerResource = (n: string) => ['cpu', 'memory', 'ephemeral-storage'].includes(n) || isHugePages(n);
const isNative = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
const isExtended = (n: string) => !isNative(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
const overcommitAllowed = (n: string) => isNative(n) && !isHugePages(n);

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (!name.includes('/')) {
    if (!isStandardContainerResource(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

export function validateResourceRequirements(res: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = res?.limits ?? {};
  const requests = res?.requests ?? {};
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  for (const name of Object.keys(limits).sort()) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantity(name, limits[name], p));
  }
  for (const name of Object.keys(requests).sort()) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantity(name, requests[name], p));
    const req = quantityOf(requests[name]);
    if (name in limits) {
      const lim = quantityOf(limits[name]);
      if (!req || !lim) continue;
      const cmp = compareQuantity(req, lim);
      // Upstream quirk: these two errors carry the requests map's path, without the resource key.
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(invalid(reqPath, formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      } else if (cmp > 0) {
        errs.push(invalid(reqPath, formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
