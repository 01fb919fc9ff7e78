// Name and value validators returning upstream's message strings (empty array = valid).
// Upstream: k8s.io/apimachinery/pkg/util/validation/validation.go, pkg/api/validation/generic.go.
// The implementations live in src/api/labels.ts (the api layer needs them for selectors); this module is the
// registry's entry point and adds the name-function forms upstream's ObjectMeta validation takes.
export { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, regexError, maxLenError } from '../../api/labels.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/labels.js';

/** A ValidateNameFunc: `prefix` is true when validating a generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// Upstream: apimachinery/pkg/api/validation/generic.go, maskTrailingDash — a generateName may end in '-'.
const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** NameIsDNSSubdomain: most kinds (PV, PVC, ConfigMap, Secret, StorageClass, ...). */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** NameIsDNSLabel: Namespace, Service, ... */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** path.IsValidPathSegmentName: names that must be usable as a URL path segment (Event, Node, ...). */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}
export const nameIsValidPathSegment: NameValidator = (name, prefix) => {
  if (prefix) {
    const errs: string[] = [];
    for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
    return errs;
  }
  return isValidPathSegmentName(name);
};

/** ValidateNamespaceName / ValidateNodeName style helper for referenced names. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;
