// The node's image store: a directory of unpacked root filesystems with a small config each.
// Layout: <imageDir>/<slug>/{rootfs/, config.json}. Built-in images (busybox, alpine, nginx) are made
// from the host's busybox-static; anything else arrives through `stowage image load` (see load.ts).
import { createHash } from 'node:crypto';
import { promises as fsp, existsSync, readFileSync, statSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

export interface ImageConfig {
  /** Normalised reference, e.g. docker.io/library/busybox:latest */
  ref: string;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  size: number;
  /** sha256:<hex> of the config, reported as imageID. */
  id: string;
}

export interface ResolvedImage { config: ImageConfig; rootfs: string; dir: string }

const BUILTINS = ['busybox', 'alpine', 'nginx'] as const;
const BUSYBOX = '/usr/bin/busybox';

/** docker.io/library/busybox:latest for "busybox"; keeps digests. Upstream: distribution/reference ParseNormalizedNamed */
export function normalizeRef(image: string): string {
  let name = image.trim();
  let suffix = '';
  const at = name.indexOf('@');
  if (at >= 0) { suffix = name.slice(at); name = name.slice(0, at); }
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) { suffix = name.slice(colon) + suffix; name = name.slice(0, colon); }
  else if (!suffix) suffix = ':latest';
  const first = name.split('/')[0]!;
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = 'docker.io/' + (name.includes('/') ? name : 'library/' + name);
  return name + suffix;
}

/** The repository's last path component without tag: "nginx" for "docker.io/library/nginx:alpine". */
export function shortName(image: string): string {
  const ref = normalizeRef(image).replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  return ref.slice(ref.lastIndexOf('/') + 1);
}

export function slugOf(ref: string): string {
  return normalizeRef(ref).replace(/[^A-Za-z0-9_.-]+/g, '_');
}

export class ImageStore {
  constructor(readonly dir: string) {}

  /** The image for a pod's `image:`: an exact loaded reference first, else a built-in by short name. */
  resolve(image: string): ResolvedImage | undefined {
    const exact = this.read(slugOf(image));
    if (exact) return exact;
    const short = shortName(image);
    if ((BUILTINS as readonly string[]).includes(short)) return this.read(slugOf(short));
    return undefined;
  }

  private read(slug: string): ResolvedImage | undefined {
    const dir = path.join(this.dir, slug);
    try {
      const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as ImageConfig;
      return { config, rootfs: path.join(dir, 'rootfs'), dir };
    } catch { return undefined; }
  }

  list(): ImageConfig[] {
    if (!existsSync(this.dir)) return [];
    const out: ImageConfig[] = [];
    for (const e of execFileSync('ls', [this.dir], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      const r = this.read(e); if (r) out.push(r.config);
    }
    return out;
  }
}

/** Writes config.json for an unpacked rootfs (size = apparent bytes on disk, id = sha256 of the config). */
export async function writeImageConfig(dir: string, ref: string, cfg: Omit<ImageConfig, 'ref' | 'size' | 'id'>): Promise<ImageConfig> {
  const size = await duBytes(path.join(dir, 'rootfs'));
  const body = { ref: normalizeRef(ref), ...cfg, size };
  const id = 'sha256:' + createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const full: ImageConfig = { ...body, id };
  await fsp.writeFile(path.join(dir, 'config.json'), JSON.stringify(full, null, 2));
  return full;
}

// Asynchronous, as everything `up` does while it starts: a synchronous child blocks the whole control plane.
const execFileAsync = promisify(execFile);

async function duBytes(p: string): Promise<number> {
  try { return Number((await execFileAsync('du', ['-sb', p], { encoding: 'utf8' })).stdout.split('\t')[0]) || 0; } catch { return 0; }
}

let appletList: Promise<string[]> | undefined;
/** busybox's applets as `busybox --install -s` would link them (bin/sh, usr/bin/awk, …), asked once per process. */
function applets(): Promise<string[]> {
  appletList ??= execFileAsync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).then((r) => r.stdout.split('\n').filter(Boolean));
  return appletList;
}

async function makeBusyboxRootfs(rootfs: string): Promise<void> {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'tmp', 'proc', 'dev', 'sys', 'root', 'var/log', 'var/run', 'home']) {
    await fsp.mkdir(path.join(rootfs, d), { recursive: true });
  }
  await fsp.chmod(path.join(rootfs, 'tmp'), 0o1777);
  await fsp.copyFile(BUSYBOX, path.join(rootfs, 'bin/busybox'));
  await fsp.chmod(path.join(rootfs, 'bin/busybox'), 0o755);
  // Applet links as busybox --install -s makes them: /bin/sh -> /bin/busybox etc. Their directories exist
  // (made above), so the ~400 links are made all at once rather than one round trip after another.
  const links = (await applets()).filter((a) => a !== 'bin/busybox').map((a) => path.join(rootfs, a));
  for (const d of new Set(links.map((l) => path.dirname(l)))) await fsp.mkdir(d, { recursive: true });
  await Promise.all(links.map((link) => fsp.symlink('/bin/busybox', link).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; })));
  await addCompatTools(rootfs);
  await fsp.writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n');
  await fsp.writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nwww-data:x:33:\n');
}

/**
 * Tools people run with `kubectl exec` that Debian's busybox-static has no applet for (it leaves them to
 * coreutils): small sh/awk stand-ins, so placeholders and built-in images answer e.g. `printenv NAME`.
 */
const COMPAT_TOOLS: Record<string, string> = {
  // coreutils printenv: all variables as NAME=value, or the values of the named ones; exit 1 if one is unset.
  'usr/bin/printenv': `#!/bin/sh
[ $# -eq 0 ] && exec env
exec awk 'BEGIN { rc = 0; for (i = 1; i < ARGC; i++) { if (ARGV[i] in ENVIRON) print ENVIRON[ARGV[i]]; else rc = 1 }; exit rc }' "$@"
`,
};

/** Adds the COMPAT_TOOLS missing from rootfs (also to images built by an older version; never overwrites). */
async function addCompatTools(rootfs: string): Promise<void> {
  for (const [rel, body] of Object.entries(COMPAT_TOOLS)) {
    const p = path.join(rootfs, rel);
    if (existsSync(p) || !existsSync(path.dirname(p))) continue;
    // Written aside and renamed: a concurrent reader (or another process doing the same) never sees half a file.
    const tmp = `${p}.tmp-${process.pid}`;
    await fsp.writeFile(tmp, body, { mode: 0o755 });
    await fsp.rename(tmp, p);
  }
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Creates busybox, alpine and nginx in imageDir if missing (idempotent; a half-built image is rebuilt). */
export async function ensureBuiltinImages(imageDir: string): Promise<void> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} not found: install busybox-static`);
  await fsp.mkdir(imageDir, { recursive: true });
  const specs: Record<(typeof BUILTINS)[number], Omit<ImageConfig, 'ref' | 'size' | 'id'>> = {
    busybox: { Cmd: ['sh'], Env: [PATH_ENV] },
    alpine: { Cmd: ['/bin/sh'], Env: [PATH_ENV] },
    nginx: { Entrypoint: null, Cmd: ['httpd', '-f', '-p', '80', '-h', '/usr/share/nginx/html'], Env: [PATH_ENV] },
  };
  await Promise.all(BUILTINS.map(async (name) => {
    const dir = path.join(imageDir, slugOf(name));
    if (existsSync(path.join(dir, 'config.json'))) { await addCompatTools(path.join(dir, 'rootfs')); return; }
    const tmp = `${dir}.tmp-${process.pid}`;
    await fsp.rm(tmp, { recursive: true, force: true });
    await makeBusyboxRootfs(path.join(tmp, 'rootfs'));
    if (name === 'alpine') await fsp.writeFile(path.join(tmp, 'rootfs/etc/os-release'), 'NAME="Alpine Linux (stowage busybox)"\nID=alpine\n');
    if (name === 'nginx') {
      const html = path.join(tmp, 'rootfs/usr/share/nginx/html');
      await fsp.mkdir(html, { recursive: true });
      await fsp.writeFile(path.join(html, 'index.html'), '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n');
    }
    await writeImageConfig(tmp, name, specs[name]);
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.rename(tmp, dir);
  }));
}

export function isDir(p: string): boolean { try { return statSync(p).isDirectory(); } catch { return false; } }
