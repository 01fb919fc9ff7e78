// A container's user: runAsUser, runAsGroup, and the supplementary groups (the primary group, fsGroup,
// supplementalGroups), applied as runc applies them: real uid and gid, setgroups, and no capabilities left
// for a non-root uid. bwrap can only change the uid inside a user namespace, where uid 1000 would still be
// root over every file the host's root owns; so the sandbox runs util-linux setpriv as the first step of the
// container's command (it execs the command in its own place: the main process keeps its pid). The image
// does not have setpriv: the host's binary, its libraries and its dynamic loader are bound read-only into
// bwrap's own /dev tmpfs (/dev/.stowage), nothing is added to the image's root, and setpriv runs through
// the loader (`ld.so --library-path`), so no library path of the image is used. exec enters the same way.
// Upstream: runc libcontainer/init_linux.go (setupUser: setgroups, setgid, setuid); containerd adds the
// primary gid to the additional gids.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseLdd } from '../images/fio-image.js';

export interface Credentials { uid?: number; gid?: number; groups?: number[] }

const SETPRIV = '/usr/bin/setpriv';
const TOOLS = '/dev/.stowage';

let binds: Array<[string, string]> | undefined;
/** The host files setpriv needs, with where they go in the sandbox (resolved once per process). */
function setprivBinds(): Array<[string, string]> {
  if (binds) return binds;
  if (!existsSync(SETPRIV)) throw new Error(`runAsUser/runAsGroup need ${SETPRIV} (util-linux) on the node`);
  const out: Array<[string, string]> = [[SETPRIV, `${TOOLS}/setpriv`]];
  for (const lib of parseLdd(execFileSync('ldd', [SETPRIV], { encoding: 'utf8' }))) {
    const base = path.basename(lib);
    out.push([lib, /^ld-(linux|musl)/.test(base) ? `${TOOLS}/ld.so` : `${TOOLS}/lib/${base}`]);
  }
  if (!out.some(([, to]) => to === `${TOOLS}/ld.so`)) throw new Error(`no dynamic loader in \`ldd ${SETPRIV}\``);
  binds = out;
  return binds;
}

/** Whether the container runs as someone other than the image's root. */
export const changesUser = (c: Credentials) => c.uid !== undefined || c.gid !== undefined;

/** bwrap arguments that bind setpriv and what it needs (after `--dev /dev`); none when the user is unchanged. */
export function credentialsBindArgs(c: Credentials): string[] {
  if (!changesUser(c)) return [];
  return setprivBinds().flatMap(([from, to]) => ['--ro-bind', from, to]);
}

/**
 * The argv prefix, inside the sandbox, that becomes the container's user and execs the rest (who that is,
 * image USER and /etc/passwd included, is decided in pods/security.ts); the supplementary groups are the
 * gid, then the others, without repeats.
 */
export function credentialsArgv(c: Credentials): string[] {
  if (!changesUser(c)) return [];
  const gid = c.gid ?? 0;
  const groups = [...new Set([gid, ...(c.groups ?? [])])];
  return [`${TOOLS}/ld.so`, '--library-path', `${TOOLS}/lib`, `${TOOLS}/setpriv`,
    ...(c.uid !== undefined ? [`--reuid=${c.uid}`] : []), `--regid=${gid}`, `--groups=${groups.join(',')}`, '--'];
}
