// The built-in `fio` image (kubestr's pods run fio from their image; ours is made from the host): the
// host's /usr/bin/fio, every shared library `ldd` lists at the path it lists it under, and busybox for
// the shell and tail the benchmark pod idles with. Same store layout as the other built-in images:
// <imageDir>/<slug>/{rootfs/, config.json}.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { slugOf, writeImageConfig } from './store.js';

const FIO = '/usr/bin/fio';
const BUSYBOX = '/usr/bin/busybox';
/** What the pod needs: `sh -c "tail -f /dev/null"`, and a few tools for `kubectl exec` into it. */
const APPLETS = ['sh', 'tail', 'ls', 'cat', 'df', 'du', 'rm', 'mkdir', 'sleep'];
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The absolute library paths in `ldd` output ("libc.so.6 => /lib/.../libc.so.6 (0x..)", "/lib64/ld-linux... (0x..)"). */
export function parseLdd(output: string): string[] {
  const out = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/**
 * Hard link when the image store is on the same filesystem (no 80 MB copy per data dir: fio links
 * libceph, librbd, ICU...), else copy. Pods never write here: the sandbox mounts the rootfs as the
 * lower layer of an overlay.
 */
async function linkOrCopy(src: string, dst: string): Promise<void> {
  await fsp.mkdir(path.dirname(dst), { recursive: true });
  const real = await fsp.realpath(src);
  try { await fsp.link(real, dst); } catch { await fsp.copyFile(real, dst); }
}

/** Builds `fio` (docker.io/library/fio:latest) in imageDir if missing; a half-built image is rebuilt. */
export async function buildFioImage(imageDir: string): Promise<void> {
  const dir = path.join(imageDir, slugOf('fio'));
  if (existsSync(path.join(dir, 'config.json'))) return;
  for (const need of [FIO, BUSYBOX]) if (!existsSync(need)) throw new Error(`${need} not found: install the fio and busybox-static packages`);
  const tmp = `${dir}.tmp-${process.pid}`;
  const rootfs = path.join(tmp, 'rootfs');
  await fsp.rm(tmp, { recursive: true, force: true });
  for (const d of ['bin', 'usr/bin', 'etc', 'tmp', 'proc', 'dev', 'sys', 'root', 'dataset', 'etc/fio-config']) await fsp.mkdir(path.join(rootfs, d), { recursive: true });
  await fsp.chmod(path.join(rootfs, 'tmp'), 0o1777);
  // ldd asynchronously: `up` builds this image while its nodes start, on the same thread.
  const libs = parseLdd((await promisify(execFile)('ldd', [FIO], { encoding: 'utf8' })).stdout);
  await Promise.all([
    linkOrCopy(FIO, path.join(rootfs, 'usr/bin/fio')), linkOrCopy(BUSYBOX, path.join(rootfs, 'bin/busybox')),
    ...libs.map((lib) => linkOrCopy(lib, path.join(rootfs, lib))),
    ...APPLETS.map((a) => fsp.symlink('/bin/busybox', path.join(rootfs, 'bin', a))),
  ]);
  await fsp.writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  await fsp.writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeImageConfig(tmp, 'fio', { Cmd: ['fio', '--help'], Env: [PATH_ENV], WorkingDir: '/dataset' });
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.rename(tmp, dir);
}
