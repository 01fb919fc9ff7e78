// The node agent (kubelet): registers the Node and keeps its Lease, runs the pods bound to it from an
// informer on spec.nodeName, re-adopts the sandboxes a previous run left (pid + start time, state under
// <nodeRoot>/var/lib/kubelet), removes orphans, and serves logs/exec/attach/port-forward.
import { promises as fsp, readdirSync } from 'node:fs';
import path from 'node:path';
import { R } from '../api/gvr.js';
import { isStatusError } from '../api/errors.js';
import { EventRecorder } from '../client/events.js';
import { Informer } from '../client/informer.js';
import type { Client } from '../client/types.js';
import { ImageStore } from './images/store.js';
import { sandboxAvailable, removeSandbox } from './runtime/sandbox.js';
import { podNamespacesAvailable, releasePodNamespaces } from './runtime/podns.js';
import { startKubeletServer } from './kubelet/server.js';
import { registerNode, renewLease, syncNodeStatus, type NodeOptions } from './node.js';
import { PodWorker, podDirOf, type AgentContext } from './pods/worker.js';
import { Slots } from './pods/slots.js';
import { tearDownPod } from './volumes/index.js';
import type { Pod } from './pods/types.js';

export interface NodeAgentOptions {
  client: Client; nodeName: string;
  nodeRoot: string;
  imageDir: string;
  address?: string;
  kubeletToken: string;
  labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }>;
  imagePolicy?: 'placeholder' | 'strict'; now?: () => Date; log?: (m: string, x?: object) => void;
  /** Simulate pods even where bubblewrap works (tests, benchmarks of the control plane). */
  simulate?: boolean;
  /** false: pods share the node's network and IPC namespaces (as before pod namespaces; for measurements). */
  podNamespaces?: boolean;
  /** Pods the node takes (upstream kubelet --max-pods, default 110): 1,000 pods need 10 default nodes. */
  maxPods?: number;
  /** Container starts in progress at once on this node (see pods/slots.ts). */
  parallelStarts?: number;
  /** How often the node status is compared with the stored one (ms; upstream nodeStatusUpdateFrequency 10 s). */
  nodeStatusUpdateMs?: number;
}

export interface NodeAgent { stop(o?: { keepPods?: boolean }): Promise<void>; kubeletPort: number }

const LEASE_RENEW_MS = 10_000;
/** Upstream nodeStatusUpdateFrequency: how often the kubelet computes its status and posts it if it changed. */
const NODE_STATUS_UPDATE_MS = 10_000;
/** Upstream nodeStatusReportFrequency: an unchanged status is still posted this often (upstream: 5 min). */
const NODE_STATUS_REPORT_MS = 60_000;
const EXIT_POLL_MS = 300;
/** Container starts in progress at once per node: enough to overlap one start's waits with another's work. */
const PARALLEL_STARTS = 8;

export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => {});
  const address = o.address ?? '127.0.0.1';
  const sandbox = o.simulate ? { ok: false, reason: 'simulation requested' } : sandboxAvailable();
  const podNamespaces = sandbox.ok && o.podNamespaces !== false && podNamespacesAvailable();
  if (sandbox.ok && o.podNamespaces !== false && !podNamespaces) log('pod network namespaces unavailable: pods share the node network');
  await fsp.mkdir(path.join(o.nodeRoot, 'var/lib/kubelet/pods'), { recursive: true });
  const recorder = new EventRecorder(o.client, { component: 'kubelet', host: o.nodeName }, now, (e) => log('event failed', { err: String(e) }));
  const ctx: AgentContext = {
    client: o.client, nodeName: o.nodeName, nodeRoot: o.nodeRoot, images: new ImageStore(o.imageDir), hostIP: address,
    recorder, imagePolicy: o.imagePolicy ?? 'placeholder', simulated: sandbox.ok ? undefined : sandbox.reason, podNamespaces, now, log,
    startSlots: new Slots(o.parallelStarts ?? PARALLEL_STARTS),
  };
  const workers = new Map<string, PodWorker>(); // by uid
  const byName = (ns: string, name: string) => [...workers.values()].find((w) => w.pod.metadata.namespace === ns && w.pod.metadata.name === name);

  const server = await startKubeletServer({ token: o.kubeletToken, address, pkiDir: path.join(o.nodeRoot, 'var/lib/kubelet/pki'), findPod: byName, listPods: () => [...workers.values()], log, now });
  const nodeOpts: NodeOptions = { nodeName: o.nodeName, nodeRoot: o.nodeRoot, address, kubeletPort: server.port, labels: o.labels, taints: o.taints, sandbox, now, maxPods: o.maxPods };
  // A start that fails after the kubelet server listens must not leave it behind.
  const abortStart = async (e: unknown): Promise<never> => { await server.close(); throw e; };
  const node = await registerNode(o.client, nodeOpts).catch(abortStart);
  await renewLease(o.client, nodeOpts, node.metadata.uid).catch((e) => log('lease failed', { err: String(e) }));

  const ensureWorker = (pod: Pod): void => {
    let w = workers.get(pod.metadata.uid);
    if (!w) {
      w = new PodWorker(ctx, pod);
      workers.set(pod.metadata.uid, w);
      const uid = pod.metadata.uid;
      w.onGone = () => workers.delete(uid);
      w.kick();
    } else w.update(pod);
  };
  // Upstream kubelets watch their pods with fieldSelector spec.nodeName=<node> (pkg/kubelet/config/apiserver.go
  // NewSourceApiserver). Only a server that rejects the selector (400 Bad Request) gets the fallback of
  // watching all pods and filtering here; any other error fails the start as any API error does.
  const mine = (p: Pod) => p.spec?.nodeName === o.nodeName;
  const handlers = {
    onAdd: (p: Pod) => { if (mine(p)) ensureWorker(p); },
    onUpdate: (_old: Pod, p: Pod) => { if (mine(p)) ensureWorker(p); },
    onDelete: (p: Pod) => {
      // Gone from the API without our graceful path (force delete): stop at once and clean up.
      const w = workers.get(p.metadata.uid);
      if (w) void w.terminate(false, 0);
    },
  };
  let informer = new Informer<Pod>(o.client, R.pods, { fieldSelector: `spec.nodeName=${o.nodeName}` });
  informer.addEventHandler(handlers);
  try { await informer.start(); }
  catch (e) {
    informer.stop();
    if (!(isStatusError(e) && e.code === 400)) return abortStart(e);
    log('pods fieldSelector spec.nodeName rejected: watching all pods, filtering locally', { err: e.message });
    informer = new Informer<Pod>(o.client, R.pods, {});
    informer.addEventHandler(handlers);
    await informer.start().catch(abortStart);
  }

  // Pods a previous run started whose object is gone: stop their sandboxes and remove their volumes.
  const known = new Set(informer.list().filter(mine).map((p) => p.metadata.uid));
  const podsDir = path.join(o.nodeRoot, 'var/lib/kubelet/pods');
  for (const uid of readdirSync(podsDir)) {
    if (known.has(uid)) continue;
    const dir = podDirOf(o.nodeRoot, uid);
    // Every container instance of every kind, recorded or not: removeSandbox stops a live one (found by its
    // state file, or by launcher.pid when the previous agent died before writing it).
    await Promise.all(instanceDirs(dir).map((d) => removeSandbox(d).catch(() => {})));
    await releasePodNamespaces(dir);
    await tearDownPod(dir).catch((e) => log('orphan teardown failed', { uid, err: String(e) }));
    log('removed orphaned pod', { uid });
  }

  const exitPoll = setInterval(() => { for (const w of workers.values()) w.checkExits(true); }, EXIT_POLL_MS);
  const leaseTimer = setInterval(() => { void renewLease(o.client, nodeOpts, node.metadata.uid).catch((e) => log('lease failed', { err: String(e) })); }, LEASE_RENEW_MS);
  // The node status loop: post when the stored status differs from ours (say the node lifecycle controller
  // marked us Unknown while we are alive), and at least every NODE_STATUS_REPORT_MS.
  let lastReport = Date.now();
  let statusBusy = false;
  const statusTimer = setInterval(() => {
    if (statusBusy) return;
    statusBusy = true;
    void syncNodeStatus(o.client, nodeOpts, Date.now() - lastReport >= NODE_STATUS_REPORT_MS)
      .then((posted) => { if (posted) lastReport = Date.now(); })
      .catch((e) => log('node status failed', { err: String(e) }))
      .finally(() => { statusBusy = false; });
  }, o.nodeStatusUpdateMs ?? NODE_STATUS_UPDATE_MS);
  for (const t of [exitPoll, leaseTimer, statusTimer]) t.unref?.();

  return {
    kubeletPort: server.port,
    async stop(so = {}) {
      clearInterval(exitPoll); clearInterval(leaseTimer); clearInterval(statusTimer);
      informer.stop();
      if (so.keepPods) for (const w of workers.values()) w.detach();
      else await Promise.all([...workers.values()].map((w) => w.shutdown(2)));
      await server.close();
    },
  };
}

/** The container instance directories of a pod: <podDir>/containers/<name>/<n>. */
function instanceDirs(podDir: string): string[] {
  const base = path.join(podDir, 'containers');
  const out: string[] = [];
  for (const name of readdirSafe(base)) for (const n of readdirSafe(path.join(base, name))) out.push(path.join(base, name, n));
  return out;
}
const readdirSafe = (d: string): string[] => { try { return readdirSync(d); } catch { return []; } };
