// Writes a set of files into a volume directory so that readers see either the old or the new set,
// never a mix: files go into a fresh hidden timestamped directory, a "..data" symlink is swapped to it
// by rename, and each top-level name is a symlink through "..data".
// Upstream: pkg/volume/util/atomic_writer.go, AtomicWriter.Write
import { promises as fsp, readlinkSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';

export interface FileProjection { data: Buffer; mode: number }
export type Payload = Map<string, FileProjection>;

const DATA = '..data';

/** Upstream validatePath: relative, no ".." element, not starting with "..". */
export function validatePayloadPath(p: string): string | undefined {
  if (p === '') return 'invalid path: must not be empty';
  if (p.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (path.isAbsolute(p)) return `invalid path: must be relative path: ${p}`;
  if (p.split('/').includes('..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

function tsDirName(d: Date): string {
  const z = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${d.getUTCFullYear()}_${z(d.getUTCMonth() + 1)}_${z(d.getUTCDate())}_${z(d.getUTCHours())}_${z(d.getUTCMinutes())}_${z(d.getUTCSeconds())}.${randomInt(1e9, 1e10)}`;
}

async function sameAsCurrent(dir: string, payload: Payload): Promise<boolean> {
  let cur: string;
  try { cur = readlinkSync(path.join(dir, DATA)); } catch { return false; }
  const base = path.join(dir, cur);
  const existing = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fsp.readdir(path.join(base, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r); else existing.add(r);
    }
  };
  try { await walk(''); } catch { return false; }
  if (existing.size !== payload.size) return false;
  for (const [p, f] of payload) {
    if (!existing.has(p)) return false;
    try {
      const st = await fsp.stat(path.join(base, p));
      if ((st.mode & 0o777) !== f.mode) return false;
      if (!(await fsp.readFile(path.join(base, p))).equals(f.data)) return false;
    } catch { return false; }
  }
  return true;
}

/** Writes payload into dir atomically; returns false when nothing changed. */
export async function atomicWrite(dir: string, payload: Payload, now = new Date()): Promise<boolean> {
  for (const p of payload.keys()) { const e = validatePayloadPath(p); if (e) throw new Error(e); }
  await fsp.mkdir(dir, { recursive: true });
  if (await sameAsCurrent(dir, payload)) return false;
  let oldTs: string | undefined;
  try { oldTs = readlinkSync(path.join(dir, DATA)); } catch { /* first write */ }
  const oldTop = new Set<string>();
  if (oldTs) {
    try { for (const e of await fsp.readdir(path.join(dir, oldTs))) oldTop.add(e); } catch { /* gone */ }
  }

  const ts = tsDirName(now);
  const tsDir = path.join(dir, ts);
  await fsp.mkdir(tsDir, { mode: 0o755 });
  for (const [p, f] of payload) {
    const full = path.join(tsDir, p);
    await fsp.mkdir(path.dirname(full), { recursive: true, mode: 0o755 });
    await fsp.writeFile(full, f.data);
    await fsp.chmod(full, f.mode);
  }
  const tmpLink = path.join(dir, '..data_tmp');
  await fsp.rm(tmpLink, { force: true });
  await fsp.symlink(ts, tmpLink);
  await fsp.rename(tmpLink, path.join(dir, DATA));

  const newTop = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const top of newTop) {
    const link = path.join(dir, top);
    try { if (readlinkSync(link) === `${DATA}/${top}`) continue; } catch { /* missing */ }
    await fsp.rm(link, { force: true, recursive: false }).catch(() => {});
    await fsp.symlink(`${DATA}/${top}`, link);
  }
  for (const top of oldTop) if (!newTop.has(top)) await fsp.rm(path.join(dir, top), { force: true });
  if (oldTs && oldTs !== ts) await fsp.rm(path.join(dir, oldTs), { recursive: true, force: true });
  return true;
}
