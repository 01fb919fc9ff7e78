// Preparing a container's root filesystem without mounting it in the agent's mount namespace. The
// overlay (image layers below, the instance's writable layer on top) is mounted by the launcher inside a
// mount namespace of the container's own (runtime/sandbox.ts), so it lives and dies with the container and
// never lengthens the agent's mount table, which every bwrap start copies. What the agent puts into the
// root before the start (/etc/hosts, resolv.conf, hostname, mount points for volumes) is therefore written
// into the writable layer directly, at the path the merged view would resolve it to: each component is
// looked up as overlayfs looks it up (upper layer first, then each lower layer), and symbolic links are
// followed inside the root only, as secureJoin does (volumes/safepath.ts).
// Upstream: github.com/cyphar/filepath-securejoin, SecureJoin; the kernel's overlayfs lookup (whiteouts).
import { lstatSync, readlinkSync, promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { resolveInRoot } from '../volumes/safepath.js';

export interface Layers { upper: string; lowers: string[] }

/** The layers of an overlay from its lowerdir option (colon-separated, topmost first) and its upper dir. */
export const layersOf = (lowerdir: string, upper: string): Layers => ({ upper, lowers: lowerdir.split(':').filter(Boolean) });

/** A character device 0:0 in the upper layer: overlayfs's whiteout, the path was deleted. */
const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/** What the merged view holds at the container path rel (no symlinks followed), and in which layer. */
function lookup(l: Layers, rel: string): { st: Stats; layer: string } | undefined {
  for (const layer of [l.upper, ...l.lowers]) {
    let st: Stats;
    try { st = lstatSync(path.join(layer, rel)); } catch { continue; }
    if (layer === l.upper && isWhiteout(st)) return undefined;
    return { st, layer };
  }
  return undefined;
}

/**
 * The container path unsafe resolves to in the merged view: every symlink read from the layer that shows
 * it and interpreted with the root as "/", ".." never above the root. Missing tails are kept as they are.
 * Returns an absolute container path without symlinks among its existing components.
 */
export function resolveInLayers(l: Layers, unsafe: string): string {
  return '/' + resolveInRoot(unsafe, (parts) => {
    const found = lookup(l, path.join(...parts));
    return found?.st.isSymbolicLink() ? readlinkSync(path.join(found.layer, ...parts)) : undefined;
  }).join('/');
}

/**
 * Makes the directories of the resolved container path rel exist in the upper layer, each with the
 * owner and mode of the lower directory it covers (as overlayfs's copy-up would), so the merged view
 * shows them unchanged. rel must come from resolveInLayers (no symlinks among its components). The
 * writes are asynchronous: on the thread pool, not the agent's event loop (lookups stay synchronous:
 * a few µs each from the dentry cache).
 */
async function ensureUpperDirs(l: Layers, rel: string): Promise<void> {
  const parts = rel.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const sub = path.join(...parts.slice(0, i));
    const up = path.join(l.upper, sub);
    let own: Stats | undefined;
    try { own = lstatSync(up); } catch { /* missing in upper */ }
    if (own?.isDirectory()) continue;
    if (own) await fsp.rm(up, { force: true }); // a whiteout or a file: the directory replaces it, as a mkdir in the merged view would after rm
    const below = lookup(l, sub);
    await fsp.mkdir(up);
    if (below?.st.isDirectory()) {
      await fsp.chown(up, below.st.uid, below.st.gid);
      await fsp.chmod(up, below.st.mode & 0o7777); // mkdir applied the umask
    } else await fsp.chmod(up, 0o755);
  }
}

/** Writes a file at the container path unsafe (resolved in the merged view) into the upper layer. */
export async function writeRootFile(l: Layers, unsafe: string, body: string): Promise<void> {
  const rel = resolveInLayers(l, unsafe);
  await ensureUpperDirs(l, path.dirname(rel));
  const p = path.join(l.upper, rel);
  await fsp.rm(p, { force: true });
  await fsp.writeFile(p, body);
}

/**
 * Creates the container path unsafe as a mount point (directory, or empty file for a file bind) unless the
 * merged view already has it, and returns the resolved container path bwrap should mount on.
 */
export async function makeMountPoint(l: Layers, unsafe: string, isDir: boolean): Promise<string> {
  const rel = resolveInLayers(l, unsafe);
  const found = lookup(l, rel);
  if (isDir) {
    if (!found?.st.isDirectory()) await ensureUpperDirs(l, rel);
  } else if (!found) {
    await ensureUpperDirs(l, path.dirname(rel));
    await fsp.writeFile(path.join(l.upper, rel), '');
  }
  return rel;
}
