// The pod sandbox's shared namespaces: one network and one IPC namespace per pod, joined by every
// container of the pod, so its containers reach each other on 127.0.0.1 and two pods on one node can
// listen on the same port. The namespaces are held by a pause process per pod, as the CRI holds a pod
// sandbox's namespaces with its pause container: a `busybox sleep` started in new network and IPC
// namespaces, in a session of its own so it outlives the agent, recorded in <podDir>/ns/pause.json by pid
// and start time so a restarted agent finds it again. Containers, probes and port-forward join
// /proc/<pause pid>/ns/{net,ipc}.
//
// Why not bind-mount pins (<podDir>/ns/net, as containerd pins a netns under /var/run/netns): every
// container start (bwrap) copies the agent's whole mount namespace, and two pin mounts per running pod made
// starts slow down as pods piled up (4 ms per start with 22 mounts, 29 ms with 3,022). A process costs no
// mount. Killing the pause process releases the namespaces once no container uses them.
// Upstream: the CRI RunPodSandbox (pause container, netns via CNI); kubelet pkg/kubelet/kuberuntime/kuberuntime_sandbox.go
import { execFileSync } from 'node:child_process';
import { promises as fsp, existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isSameProcessAlive, pidsWhere, procStartTime, signal } from './proc.js';
import { runCommand } from './spawner.js';

const BUSYBOX = '/usr/bin/busybox';

export interface PodNamespaces { net: string; ipc: string }
interface PauseRecord { pid: number; start: number }

const nsDir = (podDir: string) => path.resolve(podDir, 'ns');
const recordPath = (podDir: string) => path.join(nsDir(podDir), 'pause.json');
const pathsOf = (pid: number): PodNamespaces => ({ net: `/proc/${pid}/ns/net`, ipc: `/proc/${pid}/ns/ipc` });

function readRecord(podDir: string): PauseRecord | undefined {
  try { return JSON.parse(readFileSync(recordPath(podDir), 'utf8')) as PauseRecord; } catch { return undefined; }
}

/** The pod's live pause process, if it has one (started by this or a previous agent). */
function livePause(podDir: string): PauseRecord | undefined {
  const r = readRecord(podDir);
  return r && isSameProcessAlive(r.pid, r.start) ? r : undefined;
}

let nsWorks: boolean | undefined;
/**
 * Whether pod namespaces can be made here (needs CAP_SYS_ADMIN; checked once per process). Where they
 * cannot, pods share the node's network.
 */
export function podNamespacesAvailable(): boolean {
  if (nsWorks !== undefined) return nsWorks;
  try {
    execFileSync('unshare', ['--net', '--ipc', BUSYBOX, 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore', timeout: 5000 });
    nsWorks = true;
  } catch { nsWorks = false; }
  return nsWorks;
}

/** The pod's namespaces as paths to join, while its pause process lives. */
export function podNamespacePaths(podDir: string): PodNamespaces | undefined {
  const r = livePause(podDir);
  return r ? pathsOf(r.pid) : undefined;
}

/** Whether the pod's namespaces exist (held by a pause process of this or a previous agent). */
export function podNamespacesExist(podDir: string): boolean { return !!livePause(podDir); }

/**
 * Runs in a helper shell (runtime/spawner.ts): starts the pause process in new network and IPC namespaces,
 * detached (setsid: a Ctrl-C to `stowage up` does not reach it; it is reparented to init when the helper
 * shell is gone), and waits until it has brought up loopback (a new network namespace has only `lo`, and it
 * starts down) and added the pod's address: the pause shell writes "<status> <its pid>" to a FIFO the helper
 * shell holds open read-write (so neither open blocks) and reads with a timeout, no polling. unshare, setsid
 * and sh exec in place, so the pid written is the sleep's. Prints that pid.
 *   $1 the pod's ns directory  $2 the address to add to lo ("" for none)
 */
const START_PAUSE = [
  // Its working directory is the pod's ns directory: how a pause whose record was never written (the agent
  // died in between) is found again (killStrayPauses).
  'd=$1 own=$2; cd "$d" || exit 1',
  `${BUSYBOX} rm -f ready; ${BUSYBOX} mkfifo ready && exec 3<>ready || exit 1`,
  `/usr/bin/setsid /usr/bin/unshare --net --ipc ${BUSYBOX} sh -c '` +
    `${BUSYBOX} ip link set lo up && { [ -z "$1" ] || ${BUSYBOX} ip addr add "$1" dev lo; }; echo "$? $$" >&3; ` +
    `exec 3>&- ${BUSYBOX} sleep 2147483647' pause "$own" </dev/null >/dev/null 2>pause.err &`,
  'p=$!',
  // A pause that could not even start (unshare refused) never writes: give up after 10 s.
  'read -t 10 rc pid <&3; exec 3>&-; rm -f ready',
  `if [ "$rc" != 0 ] || [ "$pid" != "$p" ]; then ${BUSYBOX} kill -9 $p 2>/dev/null; ${BUSYBOX} cat pause.err >&2; echo "status \${rc:-none}" >&2; exit 1; fi`,
  'echo $p',
].join('\n');

/**
 * Creates the pod's network and IPC namespaces unless its pause process is alive. podIP (the node address
 * while there is no pod network), unless a loopback address, is added to `lo` so the pod can bind to and
 * reach its own IP. Idempotent.
 */
export async function ensurePodNamespaces(podDir: string, podIP?: string): Promise<PodNamespaces> {
  const live = livePause(podDir);
  if (live) return pathsOf(live.pid);
  // A pod directory with an ns directory but no live pause: a previous start may have died before writing
  // the record; its pause process must not live on beside the new one.
  if (existsSync(nsDir(podDir))) killStrayPauses(podDir);
  await fsp.mkdir(nsDir(podDir), { recursive: true });
  const own = podIP && net.isIP(podIP) && !podIP.startsWith('127.') && podIP !== '::1' ? `${podIP}/${podIP.includes(':') ? 128 : 32}` : '';
  let pid: number;
  try {
    pid = Number((await runCommand(BUSYBOX, ['sh', '-c', START_PAUSE, 'sh', nsDir(podDir), own])).trim().split('\n').pop());
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`failed to create pod sandbox namespaces: ${(err.stderr || err.message).trim()}`);
  }
  const start = procStartTime(pid);
  if (!(pid > 0) || start === undefined) throw new Error('failed to create pod sandbox namespaces: the pause process exited');
  await fsp.writeFile(recordPath(podDir), JSON.stringify({ pid, start } satisfies PauseRecord));
  return pathsOf(pid);
}

/**
 * Pause processes of this pod that its record does not name (their working directory is the pod's ns
 * directory): killed. Reads /proc, so only called when a record may be missing, never per container start.
 */
function killStrayPauses(podDir: string): void {
  let dir: string;
  try { dir = realpathSync(nsDir(podDir)); } catch { return; }
  const recorded = readRecord(podDir)?.pid;
  const strays = pidsWhere((pid) => pid !== recorded && readlinkSync(`/proc/${pid}/cwd`) === dir &&
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(`${BUSYBOX}\0sleep\0`));
  for (const pid of strays) signal(pid, 'SIGKILL');
}

/** Stops the pod's pause process (the kernel frees the namespaces when their last process is gone). */
export async function releasePodNamespaces(podDir: string): Promise<void> {
  const r = livePause(podDir);
  if (!r) { if (existsSync(nsDir(podDir))) killStrayPauses(podDir); return; }
  signal(r.pid, 'SIGKILL');
  // Gone once init has reaped it (it is not our child): wait briefly so callers see it released.
  for (let i = 0; i < 100 && isSameProcessAlive(r.pid, r.start); i++) await new Promise((res) => setTimeout(res, 5));
}
