// Key-space helpers shared by the backends. Keys compare by UTF-16 code unit in JS and by UTF-8 byte in
// SQLite and etcd; the two orders agree for the ASCII keys Kubernetes uses (/registry/<resource>/<ns>/<name>).

/** True when key lies under prefix (the empty prefix matches every key). */
export function prefixMatches(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}

/**
 * The smallest string greater than every string starting with prefix, or undefined when there is none
 * (empty prefix or all code units at their maximum): the exclusive upper bound of a prefix range, so a
 * range is `key >= prefix AND key < prefixEnd` and can use the primary-key index.
 * Upstream: go.etcd.io/etcd/client/v3, GetPrefixRangeEnd (same idea over bytes).
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}

/** Standard string comparison, as used for key order. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
