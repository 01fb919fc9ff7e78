// The pod sandbox's shared namespaces: one network and one IPC namespace per pod, joined by every
// container of the pod, so its containers reach each other on 127.0.0.1 and two pods on one node can
// listen on the same port. The namespaces are pinned by bind-mounting them onto files in the pod's
// directory (<podDir>/ns/net, <podDir>/ns/ipc), as containerd pins a sandbox's netns under
// /var/run/netns: no pause process has to be kept alive or re-adopted after an agent restart (the mount
// outlives the agent), and unmounting the files (tearDownPod, or the full agent stop that unmounts
// everything under the pod) releases them once no process uses them.
// Upstream: the CRI RunPodSandbox (pause container, netns via CNI); kubelet pkg/kubelet/kuberuntime/kuberuntime_sandbox.go
import { execFileSync } from 'node:child_process';
import { promises as fsp, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isMountPoint, unmountAll } from './mount.js';
import { runCommand } from './spawner.js';

const run = runCommand;
const BUSYBOX = '/usr/bin/busybox';

export interface PodNamespaces { net: string; ipc: string }

export const podNamespacePaths = (podDir: string): PodNamespaces => ({ net: path.join(podDir, 'ns/net'), ipc: path.join(podDir, 'ns/ipc') });

let nsWorks: boolean | undefined;
/**
 * Whether pinned namespaces can be made here (needs mount privileges; checked once per process). Where
 * they cannot, pods share the node's network as before.
 */
export function podNamespacesAvailable(): boolean {
  if (nsWorks !== undefined) return nsWorks;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stowage-nscheck-'));
  const f = path.join(dir, 'net');
  try {
    writeFileSync(f, '');
    execFileSync('unshare', [`--net=${f}`, BUSYBOX, 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore', timeout: 5000 });
    nsWorks = true;
  } catch { nsWorks = false; }
  try { execFileSync('umount', ['-l', f], { stdio: 'ignore' }); } catch { /* was not mounted */ }
  rmSync(dir, { recursive: true, force: true });
  return nsWorks;
}

/** Whether the pod's namespaces exist (pinned by an earlier run of this or a previous agent). */
export function podNamespacesExist(podDir: string): boolean {
  const p = podNamespacePaths(podDir);
  return isMountPoint(p.net) && isMountPoint(p.ipc);
}

/**
 * Creates the pod's network and IPC namespaces unless they are already pinned, and brings up loopback
 * (a new network namespace has only `lo`, and it starts down). podIP (the node address while there is no
 * pod network), unless a loopback address, is added to `lo` so the pod can bind to and reach its own IP.
 * Idempotent.
 */
export async function ensurePodNamespaces(podDir: string, podIP?: string): Promise<PodNamespaces> {
  const p = podNamespacePaths(podDir);
  // A new pod has no pin files: skip reading the mount table (it grows with the pods on the node).
  if (existsSync(p.net) || existsSync(p.ipc)) {
    if (podNamespacesExist(podDir)) return p;
    await releasePodNamespaces(podDir);
  }
  await fsp.mkdir(path.dirname(p.net), { recursive: true });
  await Promise.all([fsp.writeFile(p.net, ''), fsp.writeFile(p.ipc, '')]);
  try {
    // One process: unshare pins both namespaces, then runs `ip` inside the new network namespace.
    const own = podIP && net.isIP(podIP) && !podIP.startsWith('127.') && podIP !== '::1' ? `${podIP}/${podIP.includes(':') ? 128 : 32}` : undefined;
    const inside = own ? [BUSYBOX, 'sh', '-c', `${BUSYBOX} ip link set lo up && ${BUSYBOX} ip addr add ${own} dev lo`] : [BUSYBOX, 'ip', 'link', 'set', 'lo', 'up'];
    await run('unshare', [`--net=${p.net}`, `--ipc=${p.ipc}`, ...inside]);
  } catch (e) {
    await releasePodNamespaces(podDir);
    const err = e as { stderr?: string; message: string };
    throw new Error(`failed to create pod sandbox namespaces: ${(err.stderr || err.message).trim()}`);
  }
  return p;
}

/** Unpins the pod's namespaces (the kernel frees them when their last process is gone). */
export async function releasePodNamespaces(podDir: string): Promise<void> {
  const p = podNamespacePaths(podDir);
  await unmountAll([p.net, p.ipc]); // one umount(8) for both
}
