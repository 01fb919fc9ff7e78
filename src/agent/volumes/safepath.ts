// Path resolution that never leaves a root directory, whatever symlinks and ".." it meets: every
// symlink is read and its target interpreted as if root were "/" (as filepath-securejoin does), so
// /x -> /etc/passwd inside nodeRoot means <nodeRoot>/etc/passwd, never the host's file.
// Upstream: github.com/cyphar/filepath-securejoin, SecureJoin
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

const MAX_LINKS = 255;

/**
 * The walk behind secureJoin, over any view of a tree: linkAt(components) is the target of the symlink at
 * those components, or undefined when there is none (not a link, or missing). ".." never climbs above the
 * root and absolute targets restart from it. Returns the resolved components; missing tails are kept as-is.
 */
export function resolveInRoot(unsafe: string, linkAt: (parts: string[]) => string | undefined): string[] {
  let rest = unsafe.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (rest.length) {
    const c = rest.shift()!;
    if (c === '..') { done.pop(); continue; }
    const target = linkAt([...done, c]);
    if (target === undefined) { done.push(c); continue; }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links: ${unsafe}`);
    if (target.startsWith('/')) done.length = 0;
    rest = [...target.split('/').filter((x) => x !== '' && x !== '.'), ...rest];
  }
  return done;
}

/** root joined with unsafe (absolute or relative), symlinks resolved inside root. Missing tails are kept as-is. */
export function secureJoin(root: string, unsafe: string): string {
  const rootAbs = path.resolve(root);
  return path.join(rootAbs, ...resolveInRoot(unsafe, (parts) => {
    const cand = path.join(rootAbs, ...parts);
    try { return lstatSync(cand).isSymbolicLink() ? readlinkSync(cand) : undefined; } catch { return undefined; }
  }));
}

/** True when p is root or below it (both absolute, normalised). */
export function within(root: string, p: string): boolean {
  const r = path.resolve(root);
  const q = path.resolve(p);
  return q === r || q.startsWith(r.endsWith('/') ? r : r + '/');
}
