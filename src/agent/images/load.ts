// `stowage image load FILE`: unpacks an OCI image layout or `docker save` archive (tar, optionally gzip)
// into the image store. Layers are applied in order; whiteouts (.wh.<name>) delete, and an opaque
// whiteout (.wh..wh..opq) empties its directory first. Paths never leave the rootfs.
// Upstream: OCI image-spec layer.md (whiteouts), docker image save format (manifest.json)
import { promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import path from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { slugOf, writeImageConfig, type ImageConfig } from './store.js';
import { secureJoin } from '../volumes/safepath.js';

type Entries = Map<string, Buffer>;

async function readTar(input: Readable): Promise<Entries> {
  const out: Entries = new Map();
  const ex = tar.extract();
  ex.on('entry', (h, stream, next) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: unknown) => parts.push(d as Buffer));
    stream.on('end', () => { if (h.type === 'file') out.set(h.name.replace(/^\.\//, ''), Buffer.concat(parts)); next(); });
    stream.resume();
  });
  await pipeline(input, ex);
  return out;
}

/** Gunzips when the bytes start with the gzip magic. */
function maybeGunzip(buf: Buffer): Readable {
  const r = Readable.from([buf]);
  return buf[0] === 0x1f && buf[1] === 0x8b ? r.pipe(createGunzip()) : r.pipe(new PassThrough());
}

async function applyLayer(rootfs: string, layer: Buffer): Promise<void> {
  const ex = tar.extract();
  ex.on('entry', (h, stream, next) => {
    // Read the entry's bytes first (files only have any), then apply it.
    const parts: Buffer[] = [];
    stream.on('data', (d: unknown) => parts.push(d as Buffer));
    stream.on('end', () => void (async () => {
      const name = path.posix.normalize(h.name.replace(/^\.?\//, ''));
      const base = path.posix.basename(name);
      const dirOf = path.posix.dirname(name);
      if (base === '.wh..wh..opq') {
        const d = secureJoin(rootfs, dirOf);
        for (const e of await fsp.readdir(d).catch(() => [] as string[])) await fsp.rm(path.join(d, e), { recursive: true, force: true });
      } else if (base.startsWith('.wh.')) {
        await fsp.rm(secureJoin(rootfs, path.posix.join(dirOf, base.slice(4))), { recursive: true, force: true });
      } else if (name !== '.' && name !== '') {
        const target = path.join(secureJoin(rootfs, dirOf), base);
        await fsp.mkdir(path.dirname(target), { recursive: true });
        const mode = (h.mode ?? 0o644) & 0o7777;
        if (h.type === 'directory') { await fsp.mkdir(target, { recursive: true }); await fsp.chmod(target, mode); }
        else {
          await fsp.rm(target, { recursive: true, force: true });
          if (h.type === 'symlink') await fsp.symlink(h.linkname!, target);
          else if (h.type === 'link') await fsp.link(secureJoin(rootfs, h.linkname!), target).catch(async () => fsp.copyFile(secureJoin(rootfs, h.linkname!), target));
          else if (h.type === 'file') {
            await fsp.writeFile(target, Buffer.concat(parts), { mode });
            await fsp.chmod(target, mode);
          }
        }
      }
    })().then(() => next(), (e: Error) => next(e)));
  });
  await pipeline(maybeGunzip(layer), ex);
}

interface OciConfig { config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string; User?: string } }

/** Loads every image in the archive; returns their configs. */
export async function loadImageArchive(imageDir: string, file: string): Promise<ImageConfig[]> {
  const head = await fsp.readFile(file);
  const entries = await readTar(maybeGunzip(head));
  const images: Array<{ refs: string[]; config: OciConfig; layers: Buffer[] }> = [];
  const blob = (digest: string) => entries.get(`blobs/${digest.replace(':', '/')}`);
  if (entries.has('manifest.json')) {
    // docker save: [{Config, RepoTags, Layers}]
    for (const m of JSON.parse(entries.get('manifest.json')!.toString()) as Array<{ Config: string; RepoTags?: string[]; Layers: string[] }>) {
      images.push({ refs: m.RepoTags ?? [], config: JSON.parse(entries.get(m.Config)!.toString()) as OciConfig, layers: m.Layers.map((l) => entries.get(l)!) });
    }
  } else if (entries.has('index.json')) {
    const index = JSON.parse(entries.get('index.json')!.toString()) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    for (const d of index.manifests) {
      let man = JSON.parse(blob(d.digest)!.toString()) as { manifests?: Array<{ digest: string; platform?: { architecture: string } }>; config?: { digest: string }; layers?: Array<{ digest: string }> };
      if (man.manifests) { // an index: take the amd64/arm64 matching this machine, else the first
        const arch = process.arch === 'x64' ? 'amd64' : process.arch;
        const pick = man.manifests.find((x) => x.platform?.architecture === arch) ?? man.manifests[0]!;
        man = JSON.parse(blob(pick.digest)!.toString());
      }
      const ref = d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'];
      images.push({ refs: ref ? [ref] : [], config: JSON.parse(blob(man.config!.digest)!.toString()) as OciConfig, layers: (man.layers ?? []).map((l) => blob(l.digest)!) });
    }
  } else throw new Error(`${file}: neither an OCI layout (index.json) nor a docker archive (manifest.json)`);

  const out: ImageConfig[] = [];
  for (const img of images) {
    if (img.refs.length === 0) throw new Error(`${file}: an image has no name (tag it before saving)`);
    const dir = path.join(imageDir, slugOf(img.refs[0]!));
    const tmp = `${dir}.tmp-${process.pid}`;
    await fsp.rm(tmp, { recursive: true, force: true });
    await fsp.mkdir(path.join(tmp, 'rootfs'), { recursive: true });
    for (const layer of img.layers) await applyLayer(path.join(tmp, 'rootfs'), layer);
    const cfg = img.config.config ?? {};
    const written = await writeImageConfig(tmp, img.refs[0]!, { Entrypoint: cfg.Entrypoint ?? null, Cmd: cfg.Cmd ?? null, Env: cfg.Env ?? null, WorkingDir: cfg.WorkingDir, User: cfg.User });
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.rename(tmp, dir);
    // Further tags of the same image point at the same directory contents.
    for (const extra of img.refs.slice(1)) {
      const d2 = path.join(imageDir, slugOf(extra));
      await fsp.rm(d2, { recursive: true, force: true });
      await fsp.symlink(dir, d2);
    }
    out.push(written);
  }
  return out;
}

