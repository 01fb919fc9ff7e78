// One container = one bubblewrap sandbox: own mount, PID and UTS namespaces; the network and IPC
// namespaces are the pod's (runtime/podns.ts), joined with nsenter before bwrap starts; root filesystem =
// an overlay of the image (lower, read-only) and a private writable layer, mounted inside the container's
// own mount namespace (never in the agent's); volumes bind-mounted at their mount paths. bwrap is started
// detached and writes its status (child pid, exit code) to a file, and its stdout/stderr go through two
// small awk processes that write CRI log lines, so a container outlives an agent crash and the restarted
// agent re-adopts it by pid + start time.
import { execFileSync } from 'node:child_process';
import { promises as fsp, openSync, closeSync, fstatSync, readSync, readFileSync, readlinkSync, existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { unmountIfMounted } from './mount.js';
import { runCommand } from './spawner.js';
import { childrenOf, isSameProcessAlive, pidsWhere, procStartTime, signal } from './proc.js';
import { layersOf, makeMountPoint, writeRootFile, type Layers } from './rootfs.js';
import { credentialsArgv, credentialsBindArgs, type Credentials } from './credentials.js';

export interface SandboxMount { source: string; destination: string; readOnly: boolean }

export interface SandboxSpec {
  /** The container instance's own directory (state, writable layer, rootfs mount point). */
  dir: string;
  /** The image's root filesystem: the overlay's lower layer. */
  lowerdir: string;
  argv: string[];
  env: Array<[string, string]>;
  workingDir?: string;
  hostname: string;
  /** Files written into the container's /etc: hosts, resolv.conf, hostname. */
  etcFiles: Record<string, string>;
  mounts: SandboxMount[];
  readOnlyRootFilesystem?: boolean;
  /** runAsUser, runAsGroup and the supplementary groups (runtime/credentials.ts). */
  user?: Credentials;
  /** Keep a stdin FIFO open so `attach -i` can write to the container. */
  stdin?: boolean;
  logPath: string;
  /**
   * The pod's namespaces to join (runtime/podns.ts: its pause process's). Without `net` the container uses
   * the node's network (hostNetwork); without `ipc` it gets an IPC namespace of its own. With `pid` (an
   * ephemeral container's targetContainerName: /proc/<target's pid 1>/ns/pid) the container's process joins
   * that PID namespace instead of getting one (bwrap --pidns): it sees the target's processes and their
   * /proc/<pid>/root, and has no reaper of its own.
   */
  join?: { net?: string; ipc?: string; pid?: string };
  /** Called once when the sandbox exits (heard through bwrap's status file; see watchStatus). */
  onExit?: () => void;
}

export interface SandboxState {
  bwrapPid: number;
  bwrapStart: number;
  startedAt: string;
  /** In another container's PID namespace (join.pid): bwrap's child is the command itself, not a reaper. */
  sharedPid?: boolean;
  /** Start time of bwrap's child (the pid-1 reaper, or the command when sharedPid): see killLeftovers. */
  childStart?: number;
}

/**
 * The mount namespaces of the shared-PID sandboxes this process started, held open by descriptor: a
 * namespace's inode number is reused as soon as it is freed (the kernel hands out the lowest free one), so
 * only a namespace kept alive by our own descriptor can be trusted to still be the sandbox's when its
 * leftovers are swept. An agent that restarted holds none and sweeps nothing.
 */
const heldMountNs = new Map<string, number>();

export interface SandboxExit { exitCode: number; finishedAt: string; startError?: string }

let bwrapWorks: boolean | undefined;
/** Whether bubblewrap can make the namespaces it needs here (checked once per process). */
export function sandboxAvailable(): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (bwrapWorks === undefined) {
    try { execFileSync('bwrap', ['--unshare-pid', '--unshare-uts', '--unshare-ipc', '--ro-bind', '/', '/', 'true'], { stdio: 'ignore', timeout: 5000 }); bwrapWorks = true; }
    catch { bwrapWorks = false; }
  }
  return bwrapWorks ? { ok: true } : { ok: false, reason: 'bubblewrap (bwrap) is missing or cannot create namespaces' };
}

const rootfsOf = (dir: string) => path.join(dir, 'rootfs');
const statePath = (dir: string) => path.join(dir, 'state.json');
const statusPath = (dir: string) => path.join(dir, 'status.jsonl');
export const stdinFifoPath = (dir: string) => path.join(dir, 'stdin');

/**
 * Makes the overlay's layers and mount point and writes the /etc files into the writable layer (resolved as
 * the merged view will resolve them). Nothing is mounted here: the launcher mounts the overlay inside the
 * container's own mount namespace (see LAUNCHER).
 */
async function prepareRootfs(spec: SandboxSpec): Promise<{ rootfs: string; layers: Layers; overlayOptions: string }> {
  const upper = path.join(spec.dir, 'upper');
  const work = path.join(spec.dir, 'work');
  const rootfs = rootfsOf(spec.dir);
  await Promise.all([upper, work, rootfs].map((d) => fsp.mkdir(d, { recursive: true })));
  // A root an older agent mounted in its own namespace (they used to) must not stay behind.
  await unmountIfMounted(rootfs);
  const layers = layersOf(spec.lowerdir, upper);
  for (const [name, body] of Object.entries(spec.etcFiles)) await writeRootFile(layers, `/etc/${name}`, body);
  return { rootfs, layers, overlayOptions: `lowerdir=${spec.lowerdir},upperdir=${upper},workdir=${work}` };
}

const BUSYBOX = existsSync('/usr/bin/busybox') ? '/usr/bin/busybox' : 'busybox';
/**
 * The awk program of a log shim: each line as CRI writes it, "<RFC3339Nano time> <stream> F <line>".
 * busybox awk's clock has whole seconds only; /proc/uptime has hundredths and is read without a fork, so
 * the time of a line is the offset between the wall clock and the uptime (taken by the agent at launch,
 * both at the same instant) plus the uptime when the line is read: 10 ms resolution, no process started
 * for it. Without /proc/uptime, whole seconds. Upstream: kubelet/kuberuntime/logs (RFC3339Nano).
 */
const criLogProgram = (stream: 'stdout' | 'stderr', offset: number | undefined) => [
  `BEGIN { f = "/proc/uptime"; off = ${offset === undefined ? '""' : offset.toFixed(3)} }`,
  `{ if (off != "" && (getline u < f) > 0) { split(u, a, " "); t = off + a[1] } else { srand(); t = srand() } close(f)`,
  `  s = int(t); ns = int((t - s) * 1000000000); if (ns > 999999999) ns = 999999999; if (ns < 0) ns = 0`,
  `  printf "%s.%09dZ ${stream} F %s\\n", strftime("%Y-%m-%dT%H:%M:%S", s), ns, $0; fflush() }`,
].join('\n');

/** Wall clock minus uptime, in seconds (what the log shims add their /proc/uptime reading to). */
function uptimeOffset(): number | undefined {
  try { return Date.now() / 1000 - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]); } catch { return undefined; }
}

/**
 * The launcher: one `busybox sh` that opens bwrap's status file as fd 3 and the stdin FIFO (if any), starts
 * the two log shims (busybox awk reading a FIFO each, appending CRI lines to the log), points its
 * stdout/stderr at them and execs the sandbox command in its own place. The exec keeps the pid, so the pid
 * the agent records is the sandbox's. The shims and the sandbox share nothing with the agent.
 *   $1 log file  $2 stdout FIFO  $3 stderr FIFO  $4 $5 awk programs  $6 status file  $7 stdin FIFO or ""
 *   $8... the command
 */
const LAUNCHER = [
  'log=$1 o=$2 e=$3 po=$4 pe=$5 st=$6 in=$7; shift 7',
  // First, its pid where a restarted agent finds it even if it died before recording this start (removeSandbox).
  'echo $$ > "${st%/*}/launcher.pid"',
  'exec 3>"$st" || exit 125',
  // O_RDWR: the container never sees EOF while nobody is attached.
  `if [ -n "$in" ]; then { [ -p "$in" ] || ${BUSYBOX} mkfifo "$in"; } && exec 0<>"$in" || exit 125; fi`,
  `${BUSYBOX} rm -f "$o" "$e"; ${BUSYBOX} mkfifo "$o" "$e" || exit 125`,
  `TZ=UTC ${BUSYBOX} awk "$po" <"$o" >>"$log" 2>/dev/null 3>&- &`,
  `TZ=UTC ${BUSYBOX} awk "$pe" <"$e" >>"$log" 2>/dev/null 3>&- &`,
  // Opening a FIFO for writing waits for its reader: the shim above.
  'exec >"$o" 2>"$e"',
  `${BUSYBOX} rm -f "$o" "$e"`,
  'exec "$@"',
].join('\n');

/**
 * Starts the launcher in a session of its own (setsid: it outlives the agent; a Ctrl-C to `up` does not
 * reach it) from a helper shell (runtime/spawner.ts), and prints its pid. Not spawned from the agent: a
 * spawn forks the agent's whole address space, about 2 ms per 100 MB, 7 ms per container at the sizes a
 * busy `up` reaches, which was a third of its CPU in a burst of starts. The launcher is then nobody's child
 * in the agent: its exit is heard through bwrap's status file instead (watchStatus).
 */
const SPAWN_DETACHED = '/usr/bin/setsid "$@" </dev/null >/dev/null 2>&1 & echo $!';

/**
 * Run by the launcher in a new, private mount namespace (unshare(1) execs it in its own place): mounts the
 * overlay root there and execs the sandbox command. The overlay is held by the container's namespaces
 * only, so it is gone with the container's last process and the agent's mount table (copied by every
 * bwrap start: 4 ms with 22 mounts, 29 ms with 3,022) does not grow with the running containers.
 * exec (nsenter -m -r into bwrap's reaper) still sees it: bwrap's namespace is a copy of this one.
 *   $1 overlay options  $2 mount point  $3... the command
 */
const MOUNT_ROOT = [
  '/usr/bin/mount -t overlay overlay -o "$1" "$2" || exit 125',
  'shift 2',
  'exec "$@"',
].join('\n');

export async function startSandbox(spec: SandboxSpec): Promise<SandboxState> {
  await fsp.mkdir(spec.dir, { recursive: true });
  await fsp.mkdir(path.dirname(spec.logPath), { recursive: true });
  const { rootfs, layers, overlayOptions } = await prepareRootfs(spec);
  // fd 4 holds the PID namespace to join (opened by the command below); fd 3 is bwrap's status.
  const args = [...(spec.join?.pid ? ['--pidns', '4'] : ['--unshare-pid']), '--unshare-uts', ...(spec.join?.ipc ? [] : ['--unshare-ipc']), '--hostname', spec.hostname];
  args.push(spec.readOnlyRootFilesystem ? '--ro-bind' : '--bind', rootfs, '/', '--proc', '/proc', '--dev', '/dev');
  args.push(...credentialsBindArgs(spec.user ?? {}));
  for (const m of spec.mounts) {
    const isDir = (await fsp.stat(m.source)).isDirectory();
    const dest = await makeMountPoint(layers, m.destination, isDir);
    args.push(m.readOnly ? '--ro-bind' : '--bind', m.source, dest);
  }
  if (spec.workingDir) { await makeMountPoint(layers, spec.workingDir, true); args.push('--chdir', spec.workingDir); }
  args.push('--clearenv');
  for (const [k, v] of spec.env) args.push('--setenv', k, v);
  args.push('--json-status-fd', '3', '--', ...credentialsArgv(spec.user ?? {}), ...spec.argv);

  closeSync(openSync(spec.logPath, 'a')); // exists from the start (the shims open it a moment later)
  // The status file exists before the launch, so it is watched from the first write bwrap makes (the
  // launcher truncates it: the same inode).
  closeSync(openSync(statusPath(spec.dir), 'w'));
  const status = watchStatus(spec.dir);
  // nsenter joins the pod's namespaces and execs bwrap (same pid), so the sandbox starts inside them.
  const nsJoin = [...(spec.join?.net ? [`--net=${spec.join.net}`] : []), ...(spec.join?.ipc ? [`--ipc=${spec.join.ipc}`] : [])];
  const bwrap = spec.join?.pid ? [BUSYBOX, 'sh', '-c', 'exec 4<"$0" && exec "$@"', spec.join.pid, 'bwrap', ...args] : ['bwrap', ...args];
  const sandbox = nsJoin.length ? ['nsenter', ...nsJoin, '--', ...bwrap] : bwrap;
  const command = ['unshare', '--mount', '--propagation', 'private', BUSYBOX, 'sh', '-c', MOUNT_ROOT, 'sh', overlayOptions, rootfs, ...sandbox];
  const offset = uptimeOffset();
  const launcherArgs = [spec.logPath, path.join(spec.dir, 'stdout.fifo'), path.join(spec.dir, 'stderr.fifo'), criLogProgram('stdout', offset), criLogProgram('stderr', offset),
    statusPath(spec.dir), spec.stdin ? stdinFifoPath(spec.dir) : ''];
  let pid: number;
  try {
    pid = Number((await runCommand(BUSYBOX, ['sh', '-c', SPAWN_DETACHED, 'sh', BUSYBOX, 'sh', '-c', LAUNCHER, 'sh', ...launcherArgs, ...command])).trim().split('\n').pop());
  } catch (e) {
    status.close();
    throw new Error(`failed to start the container's sandbox: ${(e as Error).message}`);
  }
  if (!(pid > 0)) { status.close(); throw new Error('failed to start the container\'s sandbox: no pid'); }
  const state: SandboxState = { bwrapPid: pid, bwrapStart: procStartTime(pid) ?? -1, startedAt: new Date().toISOString(), ...(spec.join?.pid ? { sharedPid: true } : {}) };
  // Started once bwrap has written its child's pid (or the launcher died first).
  await status.until(() => !!readStatus(spec.dir).childPid || !isRunning(state), 1000);
  const child = readStatus(spec.dir).childPid;
  const childStart = child ? procStartTime(child) : undefined;
  if (childStart !== undefined) {
    state.childStart = childStart;
    if (state.sharedPid) try { heldMountNs.set(spec.dir, openSync(`/proc/${child}/ns/mnt`, 'r')); } catch { /* exited already */ }
  }
  // Written once, complete: an agent that dies before this finds the sandbox by launcher.pid (liveSandboxIn).
  await fsp.writeFile(statePath(spec.dir), JSON.stringify(state));
  if (spec.onExit) {
    // Exited once bwrap has written its child's exit code (it exits right after), or it is gone.
    const onExit = spec.onExit;
    void status.until(() => readStatus(spec.dir).exitCode !== undefined || !isRunning(state)).then(async (seen) => {
      status.close();
      if (!seen) return; // no inotify: the agent's periodic check finds the exit
      for (let i = 0; i < 400 && isRunning(state); i++) await new Promise((r) => setTimeout(r, 5));
      onExit();
    });
  } else status.close();
  return state;
}

/**
 * Changes of a sandbox's status file through inotify (fs.watch), so the agent neither polls for a start nor
 * for an exit. until(cond, ms) resolves true once cond holds (checked at once and on every change; also
 * every 50 ms while a timeout is given, in case a change is missed), false after ms or when no watch could
 * be made. A watch does not keep the agent's process alive.
 */
function watchStatus(dir: string): { until(cond: () => boolean, ms?: number): Promise<boolean>; close(): void } {
  const waiters = new Set<(closing: boolean) => void>();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(statusPath(dir), { persistent: false }, () => { for (const w of [...waiters]) w(false); });
    watcher.on('error', () => { watcher?.close(); watcher = undefined; });
  } catch { watcher = undefined; }
  return {
    until(cond, ms) {
      if (cond()) return Promise.resolve(true);
      if (!watcher && ms === undefined) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        let timer: NodeJS.Timeout | undefined, tick: NodeJS.Timeout | undefined;
        const check = (closing: boolean) => {
          const ok = cond();
          if (!ok && !closing) return;
          waiters.delete(check); clearTimeout(timer); clearInterval(tick); resolve(ok);
        };
        waiters.add(check);
        if (ms !== undefined) {
          timer = setTimeout(() => check(true), ms);
          tick = setInterval(() => check(false), 50);
        }
      });
    },
    /** Stops watching; pending waits resolve with their condition as it stands. */
    close() { watcher?.close(); watcher = undefined; for (const w of [...waiters]) w(true); },
  };
}

function readStatus(dir: string): { childPid?: number; exitCode?: number } {
  const out: { childPid?: number; exitCode?: number } = {};
  let text = '';
  try { text = readFileSync(statusPath(dir), 'utf8'); } catch { return out; }
  // bwrap writes several JSON documents, not always newline-separated.
  for (const m of text.matchAll(/\{[^{}]*\}/g)) {
    try {
      const o = JSON.parse(m[0]) as Record<string, number>;
      if (o['child-pid'] !== undefined) out.childPid = o['child-pid'];
      if (o['exit-code'] !== undefined) out.exitCode = o['exit-code'];
    } catch { /* partial write */ }
  }
  return out;
}

function readSandboxState(dir: string): SandboxState | undefined {
  try { return JSON.parse(readFileSync(statePath(dir), 'utf8')) as SandboxState; } catch { return undefined; }
}

export function isRunning(st: SandboxState): boolean { return isSameProcessAlive(st.bwrapPid, st.bwrapStart); }

/**
 * The exit of a sandbox that is no longer running (137 when it died without saying, as after SIGKILL).
 * startError is set, as upstream's StartError, when the container's process never ran: bwrap recorded no
 * child (the launcher, nsenter, the overlay mount or bwrap's set-up failed: their messages, from the log's
 * stderr), or the command could not be executed (bwrap's or setpriv's execvp failed).
 */
export function sandboxExit(dir: string, logPath?: string): SandboxExit {
  const s = readStatus(dir);
  // metav1.Time: RFC 3339 in whole seconds, as the API server serializes it.
  let finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  try { finishedAt = statSync(statusPath(dir)).mtime.toISOString().replace(/\.\d+Z$/, 'Z'); } catch { /* keep now */ }
  const out: SandboxExit = { exitCode: s.exitCode ?? 137, finishedAt };
  // An exit code of the command's own says it ran: the log is read only when it may not have.
  if (s.childPid && s.exitCode !== undefined && s.exitCode !== 126 && s.exitCode !== 127) return out;
  const stderr = stderrOf(logPath);
  if (!s.childPid) out.startError = `failed to start the container's sandbox: ${stderr.join('; ').slice(0, 1000) || 'no process was started'}`;
  else {
    const m = stderr.map((l) => /^(?:bwrap: execvp|setpriv: failed to execute) (.+): (.+)$/.exec(l)).find((x) => x);
    if (m && (s.exitCode === undefined || s.exitCode === 126 || s.exitCode === 127)) out.startError = execFailure(m[1]!, m[2]!);
  }
  return out;
}

/** runc's message for a command that cannot be executed, as containerd reports it. Upstream: runc libcontainer/standard_init_linux.go */
function execFailure(cmd: string, why: string): string {
  const reason = why === 'No such file or directory'
    ? (cmd.includes('/') ? `stat ${cmd}: no such file or directory` : 'executable file not found in $PATH')
    : why.toLowerCase();
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${cmd}": ${reason}: unknown`;
}

/** The stderr lines of the last 64 KiB of a CRI log file (for a start that failed, only the launcher and bwrap wrote there). */
function stderrOf(logPath: string | undefined): string[] {
  if (!logPath) return [];
  let text = '';
  try {
    const fd = openSync(logPath, 'r');
    try {
      const size = fstatSync(fd).size, len = Math.min(size, 65536);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally { closeSync(fd); }
  } catch { return []; }
  return text.split('\n').map((l) => /^\S+ stderr [PF] (.*)$/.exec(l)?.[1]).filter((x): x is string => x !== undefined);
}

/** The sandbox running in dir, from its state file or the launcher's own pid file (checked to be about dir). */
function liveSandboxIn(dir: string): SandboxState | undefined {
  const st = readSandboxState(dir);
  if (st) return isRunning(st) ? st : undefined;
  let pid: number;
  try { pid = Number(readFileSync(path.join(dir, 'launcher.pid'), 'utf8').trim()); } catch { return undefined; }
  const start = pid > 0 ? procStartTime(pid) : undefined;
  if (start === undefined) return undefined;
  try { if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) return undefined; } catch { return undefined; }
  return { bwrapPid: pid, bwrapStart: start, startedAt: '' };
}

/** The host pid of the container's main process (pid 2 inside, under bwrap's pid-1 reaper; bwrap's child itself when sharedPid). */
export function mainPid(dir: string, st?: SandboxState): number | undefined {
  const reaper = readStatus(dir).childPid;
  if (!reaper || st?.sharedPid) return reaper;
  return childrenOf(reaper)[0] ?? reaper;
}

/** The pid whose namespaces and root `exec` enters (bwrap's reaper: pid 1 of the sandbox). */
export function namespacePid(dir: string): number | undefined { return readStatus(dir).childPid; }

/**
 * What a sandbox leaves when its main process is gone: bwrap returns as soon as the command exits, but its
 * pid-1 reaper waits for every other process of the PID namespace, so a command that left background children
 * would leave them running, reaper and all. Upstream the container's process is pid 1 and its exit ends the
 * namespace; killing the reaper does the same here. In a shared PID namespace (an ephemeral container)
 * orphans are adopted by the target's pid 1, so they are found by the sandbox's mount namespace, which they
 * keep (runc likewise kills what is left in such a container's cgroup); the target's processes are untouched.
 */
function killLeftovers(dir: string, st: SandboxState | undefined): void {
  if (st?.sharedPid) {
    const fd = heldMountNs.get(dir);
    if (fd === undefined) return;
    heldMountNs.delete(dir);
    try {
      const ns = readlinkSync(`/proc/self/fd/${fd}`);
      for (const pid of pidsWhere((p) => readlinkSync(`/proc/${p}/ns/mnt`) === ns)) signal(pid, 'SIGKILL');
    } finally { closeSync(fd); }
    return;
  }
  const child = readStatus(dir).childPid;
  if (!child || st?.childStart === undefined || !isSameProcessAlive(child, st.childStart)) return;
  signal(child, 'SIGKILL');
}

/** SIGTERM to the main process, SIGKILL to the whole sandbox after graceMs. Resolves once it is gone. */
export async function stopSandbox(dir: string, st: SandboxState, graceMs: number): Promise<void> {
  if (isRunning(st)) {
    const main = mainPid(dir, st);
    if (main && graceMs > 0) signal(main, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRunning(st) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (isRunning(st)) {
      const reaper = readStatus(dir).childPid;
      if (reaper) signal(reaper, 'SIGKILL');
      signal(st.bwrapPid, 'SIGKILL');
      for (let i = 0; i < 250 && isRunning(st); i++) await new Promise((r) => setTimeout(r, 20));
    }
  }
  killLeftovers(dir, st);
}

/**
 * Removes the instance's writable layer. A sandbox still running there is stopped first: one an agent
 * launched but died before recording (its pid is in launcher.pid, written by the launcher itself), so a
 * restarted agent that starts this instance again never leaves the first one running. The overlay root
 * went with the container's mount namespace; one still mounted in the agent's (by an older agent) is
 * unmounted.
 */
export async function removeSandbox(dir: string): Promise<void> {
  const live = liveSandboxIn(dir);
  if (live) await stopSandbox(dir, live, 0);
  else killLeftovers(dir, readSandboxState(dir));
  await unmountIfMounted(rootfsOf(dir));
  await fsp.rm(dir, { recursive: true, force: true });
}
