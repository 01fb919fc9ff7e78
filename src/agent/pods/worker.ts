// One pod on this node: volumes, then init containers in order, then containers, restarted per
// restartPolicy with CrashLoopBackOff (10 s doubling to 5 min), probes, status and events as the kubelet
// reports them, and graceful termination when the pod is deleted.
// Upstream: pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, SyncPod, doBackOff),
// pkg/kubelet/pod_workers.go, pkg/kubelet/prober/worker.go
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { parseQuantity } from '../quantity.js';
import path from 'node:path';
import { R } from '../../api/gvr.js';
import { isNotFound, isStatusError } from '../../api/errors.js';
import { objectReference, type EventRecorder, type EventType } from '../../client/events.js';
import type { Client } from '../../client/types.js';
import type { ImageStore, ResolvedImage } from '../images/store.js';
import { normalizeRef } from '../images/store.js';
import { startSandbox, stopSandbox, removeSandbox, isRunning, sandboxExit, namespacePid } from '../runtime/sandbox.js';
import { containerLogPath, podLogDir } from '../runtime/logs.js';
import type { ExecTarget } from '../runtime/exec.js';
import { ensurePodNamespaces, podNamespacePaths, releasePodNamespaces, type PodNamespaces } from '../runtime/podns.js';
import { dialInNamespace } from '../runtime/netdial.js';
import { setUpPodVolumes, tearDownPod, MountFailure } from '../volumes/index.js';
import { mountsUnderShared, unmountAll } from '../runtime/mount.js';
import type { MountedVolume, VolumeContext } from '../volumes/types.js';
import { prepareSubPath, cleanSubPaths, SubPathError } from '../volumes/subpath.js';
import { containerArgv, containerEnv, expand, ConfigError } from './env.js';
import { containerCredentials, CreateError } from './security.js';
import type { Credentials } from '../runtime/credentials.js';
import { buildPodStatus } from './status.js';
import type { Slots } from './slots.js';
import { runProbe } from './probes.js';
import { loadPodState, newContainerState, savePodState, type ContainerState, type Instance, type PodState } from './state.js';
import { isSidecar, type Container, type Pod } from './types.js';

export interface AgentContext {
  client: Client;
  nodeName: string;
  nodeRoot: string;
  images: ImageStore;
  hostIP: string;
  recorder: EventRecorder;
  imagePolicy: 'placeholder' | 'strict';
  /** Set when no sandbox can be made: pods are simulated, with this reason in an event. */
  simulated?: string;
  /** Whether pods get network and IPC namespaces of their own (runtime/podns.ts); else they share the node's. */
  podNamespaces: boolean;
  now: () => Date;
  log: (m: string, x?: object) => void;
  /** Bounds the container starts in progress on this node (FIFO); unbounded when absent. */
  startSlots?: Slots;
}

const MAX_BACKOFF_MS = 300_000;
const INITIAL_BACKOFF_MS = 10_000;
/** How often the exit poll also looks at sandboxes whose exit their status file reports (a safety net). */
const FULL_EXIT_CHECK_MS = 5_000;
const IDLE_ARGV = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];

const specKey = (p: Pod) => JSON.stringify([p.spec, p.metadata.deletionTimestamp, p.metadata.deletionGracePeriodSeconds, p.metadata.labels, p.metadata.annotations]);

export const podDirOf = (nodeRoot: string, uid: string) => path.join(nodeRoot, 'var/lib/kubelet/pods', uid);

export class PodWorker {
  readonly dir: string;
  private state: PodState;
  private volumes = new Map<string, MountedVolume>();
  private running = false;
  /** The sync loop under way (kick), so an agent shutdown can let it finish before stopping containers. */
  private loop: Promise<void> = Promise.resolve();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private probeTimers = new Map<string, NodeJS.Timeout[]>();
  private lastStatus = '';
  private lastVolumeRefresh = 0;
  private firstSync = true;
  private finished = false;
  private onceEvents = new Set<string>();
  /** Starting the pod's pause process: begun with the volumes' set-up, awaited by the first container start. */
  private nsPinning?: Promise<PodNamespaces>;
  private sandboxReleased = false;
  /** Instance dirs of sandboxes this process started: their exit is heard through their status file (runtime/sandbox.ts). */
  private exitWatched = new Set<string>();
  /** Container starts under way: stopping the pod waits for them, so none is left running behind it. */
  private starting = new Set<Promise<boolean>>();
  /** Set once terminate() begins: a start that completes after it stops its container at once. */
  private stopping = false;
  private lastFullExitCheck = 0;
  /** Resolves when the pod has been torn down after deletion. */
  onGone?: () => void;

  constructor(private readonly ctx: AgentContext, public pod: Pod) {
    this.dir = podDirOf(ctx.nodeRoot, pod.metadata.uid);
    this.state = loadPodState(this.dir) ?? { uid: pod.metadata.uid, namespace: pod.metadata.namespace, name: pod.metadata.name, init: {}, containers: {} };
  }

  get logDir(): string { return podLogDir(this.ctx.nodeRoot, this.pod.metadata.namespace, this.pod.metadata.name, this.pod.metadata.uid); }

  /** A new version of the pod from the informer; our own status writes do not need a sync. */
  update(pod: Pod): void {
    const changed = specKey(this.pod) !== specKey(pod);
    this.pod = pod;
    if (changed) this.kick();
  }

  kick(delayMs = 0): void {
    if (this.finished) return;
    if (delayMs > 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => { this.timer = undefined; this.kick(); }, delayMs);
      this.timer.unref?.();
      return;
    }
    if (this.running) { this.dirty = true; return; }
    this.running = true;
    this.loop = (async () => {
      do {
        this.dirty = false;
        try { await this.sync(); } catch (e) { this.ctx.log('pod sync failed', { pod: this.key, err: String((e as Error)?.stack ?? e) }); this.kick(1000); }
      } while (this.dirty && !this.finished);
      this.running = false;
    })();
  }

  get key(): string { return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`; }

  /**
   * Looks for containers that exited (also ones that exited while the agent was down). The agent's poll
   * (`poll`) skips the sandboxes this process started, whose exit it hears at once through their status file,
   * except every FULL_EXIT_CHECK_MS as a safety net: with a thousand pods the poll was reading a thousand
   * /proc files every 300 ms.
   */
  checkExits(poll = false): void {
    const skipWatched = poll && Date.now() - this.lastFullExitCheck < FULL_EXIT_CHECK_MS;
    if (poll && !skipWatched) this.lastFullExitCheck = Date.now();
    let changed = false;
    for (const m of this.stateMaps()) {
      for (const [name, s] of Object.entries(m)) {
        if (skipWatched && s.running && this.exitWatched.has(s.running.dir)) continue;
        if (s.running && !s.running.placeholder && !this.ctx.simulated && !isRunning(s.running.sandbox)) { void this.recordExit(name, s); changed = true; }
      }
    }
    if (changed) this.kick();
  }

  private async recordExit(name: string, s: ContainerState): Promise<void> {
    const inst = s.running!;
    s.running = undefined;
    const ex = sandboxExit(inst.dir, containerLogPath(this.logDir, name, inst.n));
    if (ex.startError) {
      // Upstream (containerd): a container whose process could not be started is terminated with exit code
      // 128, reason StartError, and a Failed event "Error: <why>".
      const message = ex.startError;
      s.lastTerm = { exitCode: 128, reason: 'StartError', message, startedAt: inst.startedAt, finishedAt: ex.finishedAt, containerID: inst.containerID };
      const c = this.specOf(name);
      if (!this.finished && !this.stopping) this.event('Warning', 'Failed', `Error: ${message}`, c);
    } else s.lastTerm = { exitCode: ex.exitCode, reason: ex.exitCode === 0 ? 'Completed' : 'Error', startedAt: inst.startedAt, finishedAt: ex.finishedAt, containerID: inst.containerID };
    s.ready = false; s.started = false;
    this.stopProbes(name);
    await removeSandbox(inst.dir).catch(() => {});
    await cleanSubPaths(this.dir, name).catch(() => {});
  }

  execTarget(containerName: string): ExecTarget | undefined {
    const s = this.containerState(containerName);
    if (!s?.running || this.ctx.simulated) return undefined;
    const nsPid = namespacePid(s.running.dir);
    if (!nsPid) return undefined;
    return { nsPid, env: s.running.env, user: s.running.user };
  }

  /** The pod's own network namespace, or undefined when it uses the node's network. */
  podNetns(): string | undefined {
    if (!this.ctx.podNamespaces || this.ctx.simulated || this.pod.spec?.hostNetwork) return undefined;
    return podNamespacePaths(this.dir)?.net;
  }

  /** A connection to the pod's port on its loopback (port-forward): inside its network namespace. */
  dialPort(port: number): Duplex {
    const netns = this.podNetns();
    return netns ? dialInNamespace(netns, port) : net.connect(port, '127.0.0.1');
  }

  containerState(name: string): ContainerState | undefined { return this.state.containers[name] ?? this.state.init[name] ?? this.state.ephemeral?.[name]; }

  /** The state of every kind of container: init (sidecars too), main, ephemeral. */
  private stateMaps(): Array<Record<string, ContainerState>> { return [this.state.init, this.state.containers, this.state.ephemeral ?? {}]; }

  /** A container of the pod's spec by name (names are unique across init, main and ephemeral containers). */
  private specOf(name: string): Container | undefined {
    const s = this.pod.spec;
    return [...(s?.initContainers ?? []), ...(s?.containers ?? []), ...((s?.ephemeralContainers ?? []) as Container[])].find((x) => x.name === name);
  }
  isSimulated(): boolean { return !!this.ctx.simulated; }

  private event(type: EventType, reason: string, message: string, container?: Container, isInit = false): void {
    const list = isInit ? 'initContainers' : this.pod.spec?.ephemeralContainers?.some((x) => x.name === container?.name) ? 'ephemeralContainers' : 'containers';
    const fieldPath = container ? `spec.${list}{${container.name}}` : undefined;
    void this.ctx.recorder.event(objectReference(this.pod, 'Pod', R.pods, fieldPath), type, reason, message);
  }

  private async save(): Promise<void> { await savePodState(this.dir, this.state); }

  private async sync(): Promise<void> {
    if (this.finished) return;
    const pod = this.pod;
    if (pod.metadata.deletionTimestamp) { await this.terminate(true); return; }
    if (this.firstSync) {
      this.firstSync = false;
      await fsp.mkdir(this.dir, { recursive: true });
      await fsp.writeFile(path.join(this.dir, 'pod.json'), JSON.stringify({ namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid }));
      this.checkExits();
    }
    this.state.startTime ??= this.nowIso();
    if (this.state.terminal) { await this.releaseSandbox(); await this.pushStatus(true); return; }

    if (this.ctx.simulated) { await this.syncSimulated(); return; }

    // The pod sandbox's namespaces are made while the volumes are set up (errors surface at container start).
    if (this.needsPodNamespaces()) this.pinNamespaces().catch(() => {});

    // Volumes (re-run for configMap/secret/downwardAPI/projected content every 10 s).
    const vctx: VolumeContext = { client: this.ctx.client, nodeRoot: this.ctx.nodeRoot, podDir: this.dir, pod, nodeName: this.ctx.nodeName, hostIP: this.ctx.hostIP };
    if (!this.state.volumesReady || this.volumes.size === 0 && (pod.spec?.volumes?.length ?? 0) > 0) {
      try {
        this.volumes = await setUpPodVolumes(vctx);
        this.state.volumesReady = true; this.lastVolumeRefresh = Date.now();
      } catch (e) {
        const msg = e instanceof MountFailure ? e.message : String(e);
        this.event('Warning', 'FailedMount', msg);
        await this.pushStatus(false);
        this.kick(2000);
        return;
      }
    } else if (Date.now() - this.lastVolumeRefresh > 10_000) {
      this.lastVolumeRefresh = Date.now();
      try { this.volumes = await setUpPodVolumes(vctx, (m) => !!m.refresh, this.volumes); }
      catch (e) { this.event('Warning', 'FailedMount', (e as Error).message); }
    }

    if (await this.evictForEmptyDirLimit()) return;

    const spec = pod.spec!;
    const policy = spec.restartPolicy ?? 'Always';
    let nextWake = Infinity;
    // Init containers, one at a time, each to successful completion; a sidecar (an init container with
    // restartPolicy Always) only until it has started, then it keeps running beside the others and is
    // restarted whenever it exits, whatever the pod's restartPolicy. Upstream: kuberuntime_manager.go
    // computeInitContainerActions (SidecarContainers, on by default since 1.29).
    let initDone = true;
    // The main containers done for good (a run-to-completion pod): no sidecar is (re)started any more.
    const willRestart = (s: ContainerState) => policy === 'Always' || (policy === 'OnFailure' && s.lastTerm!.exitCode !== 0);
    const mainFinished = spec.containers.every((c) => { const s = this.state.containers[c.name]; return s && !s.running && s.lastTerm && !willRestart(s); });
    for (const c of spec.initContainers ?? []) {
      const s = (this.state.init[c.name] ??= newContainerState());
      if (isSidecar(c)) {
        if (mainFinished) continue;
        if (!s.running) nextWake = Math.min(nextWake, await this.startOrBackOff(c, s, true));
        if (!s.running || !s.started) { initDone = false; break; }
        continue;
      }
      if (s.running) { initDone = false; break; }
      if (s.lastTerm?.exitCode === 0 && !s.waiting) continue;
      initDone = false;
      if (s.lastTerm && s.lastTerm.exitCode !== 0 && policy === 'Never') {
        this.state.terminal = 'Failed';
        break;
      }
      const wake = await this.startOrBackOff(c, s, true);
      nextWake = Math.min(nextWake, wake);
      break;
    }
    if (initDone && !this.state.terminal) {
      for (const c of spec.containers) {
        const s = (this.state.containers[c.name] ??= newContainerState());
        if (s.running) continue;
        if (s.lastTerm && !s.waiting) {
          const restart = policy === 'Always' || (policy === 'OnFailure' && s.lastTerm.exitCode !== 0);
          if (!restart) continue;
        }
        nextWake = Math.min(nextWake, await this.startOrBackOff(c, s, false));
      }
      // Ephemeral containers (`kubectl debug`) start once the pod runs, once each: never restarted.
      // Upstream: kuberuntime_manager.go SyncPod, "Step 6: start ephemeral containers".
      for (const c of (spec.ephemeralContainers ?? []) as Container[]) {
        const s = ((this.state.ephemeral ??= {})[c.name] ??= newContainerState());
        if (s.running || (s.lastTerm && !s.waiting)) continue;
        nextWake = Math.min(nextWake, await this.startOrBackOff(c, s, false));
      }
      // All containers finished for good: the pod is terminal.
      const all = spec.containers.map((c) => this.state.containers[c.name]!);
      if (all.every((s) => !s.running && s.lastTerm && !willRestart(s))) {
        // The main containers are done for good: ephemeral containers and sidecars are stopped.
        await this.stopEphemeral();
        await this.stopSidecars();
        this.state.terminal = all.every((s) => s.lastTerm!.exitCode === 0) ? 'Succeeded' : 'Failed';
      }
    }
    await this.save();
    if (this.state.terminal) await this.releaseSandbox();
    await this.pushStatus(true);
    if (nextWake !== Infinity) this.kick(Math.max(50, Math.min(nextWake - Date.now(), this.hasSizedEmptyDirs() ? 5000 : Infinity)));
    else if (this.hasRefreshVolumes() || this.hasSizedEmptyDirs()) this.kick(this.hasSizedEmptyDirs() ? 5000 : 10_000);
  }

  private hasSizedEmptyDirs(): boolean {
    return (this.pod.spec?.volumes ?? []).some((v) => v.emptyDir && !v.emptyDir.medium && v.emptyDir.sizeLimit !== undefined);
  }

  /**
   * A disk-backed emptyDir over its sizeLimit evicts the pod: containers stopped, phase Failed, reason
   * Evicted. Upstream: pkg/kubelet/eviction/eviction_manager.go emptyDirLimitEviction
   */
  private async evictForEmptyDirLimit(): Promise<boolean> {
    for (const v of this.pod.spec?.volumes ?? []) {
      if (!v.emptyDir || v.emptyDir.medium || v.emptyDir.sizeLimit === undefined) continue;
      const limit = parseQuantity(String(v.emptyDir.sizeLimit));
      const mv = this.volumes.get(v.name);
      if (limit === undefined || !mv) continue;
      let used = 0;
      try { used = Number(execFileSync('du', ['-sb', mv.path], { encoding: 'utf8' }).split('\t')[0]); } catch { continue; }
      if (used <= limit) continue;
      const message = `Usage of EmptyDir volume "${v.name}" exceeds the limit "${v.emptyDir.sizeLimit}". `;
      this.event('Warning', 'Evicted', message);
      await this.stopContainers(0);
      this.finished = false;
      for (const m of [this.state.init, this.state.containers]) for (const [name, st] of Object.entries(m)) if (st.running) await this.recordExit(name, st);
      this.state.terminal = 'Failed'; this.state.terminalReason = 'Evicted'; this.state.terminalMessage = message;
      await this.save();
      await this.pushStatus(true);
      return true;
    }
    return false;
  }

  private hasRefreshVolumes(): boolean { for (const v of this.volumes.values()) if (v.refresh) return true; return false; }

  private nowIso(): string { return this.ctx.now().toISOString().replace(/\.\d+Z$/, 'Z'); }

  /** Starts the container unless it is in back-off; returns when to look again (ms epoch) or Infinity. */
  private async startOrBackOff(c: Container, s: ContainerState, isInit: boolean): Promise<number> {
    const now = Date.now();
    if (s.lastTerm) {
      // A container that ran 10 min cleanly starts over with the initial back-off. Upstream: doBackOff, backoff.GC
      if (s.backoffUntil && Date.now() - s.backoffUntil > 2 * MAX_BACKOFF_MS) { s.backoffMs = undefined; s.backoffUntil = undefined; }
      if (s.backoffUntil && now < s.backoffUntil) {
        const podRef = `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})`;
        const reason = 'CrashLoopBackOff';
        if (s.waiting?.reason !== reason) this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef}`, c, isInit);
        s.waiting = { reason, message: `back-off ${Math.round(s.backoffMs! / 1000)}s restarting failed container=${c.name} pod=${podRef}` };
        return s.backoffUntil;
      }
    }
    if ((s.waiting?.reason === 'ErrImagePull' || s.waiting?.reason === 'ImagePullBackOff') && s.backoffUntil && now < s.backoffUntil) {
      if (s.waiting.reason === 'ErrImagePull') {
        s.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` };
        this.event('Normal', 'BackOff', `Back-off pulling image "${c.image}"`, c, isInit);
        this.event('Warning', 'Failed', 'Error: ImagePullBackOff', c, isInit);
      }
      return s.backoffUntil;
    }
    const restarting = !!s.lastTerm;
    const ok = this.ctx.startSlots ? await this.ctx.startSlots.run(() => this.startContainer(c, s, isInit)) : await this.startContainer(c, s, isInit);
    if (ok && restarting) {
      s.backoffMs = s.backoffMs ? Math.min(s.backoffMs * 2, MAX_BACKOFF_MS) : INITIAL_BACKOFF_MS;
      s.backoffUntil = Date.now() + s.backoffMs;
    }
    return ok ? Infinity : Date.now() + 2000;
  }

  private resolveImage(c: Container, isInit: boolean): { image?: ResolvedImage; placeholder?: ResolvedImage } | undefined {
    const name = c.image ?? '';
    const img = this.ctx.images.resolve(name);
    const policy = c.imagePullPolicy ?? (/:latest$|^[^:@]*$/.test(name.replace(/^.*\//, '')) ? 'Always' : 'IfNotPresent');
    if (img) {
      if (policy === 'Always') {
        this.event('Normal', 'Pulling', `Pulling image "${name}"`, c, isInit);
        this.event('Normal', 'Pulled', `Successfully pulled image "${name}" in 1ms (1ms including waiting). Image size: ${img.config.size} bytes.`, c, isInit);
      } else this.event('Normal', 'Pulled', `Container image "${name}" already present on machine`, c, isInit);
      return { image: img };
    }
    if (this.ctx.imagePolicy === 'strict' || policy === 'Never') return undefined;
    const key = `placeholder/${c.name}`;
    if (!this.onceEvents.has(key)) {
      this.onceEvents.add(key);
      this.event('Warning', 'ImageNotPresent', `Image "${name}" is not in the node's image store: running a placeholder (${c.command?.length ? 'its command' : 'an idle process'}) on busybox`, c, isInit);
    }
    return { placeholder: this.ctx.images.resolve('busybox') };
  }

  private startContainer(c: Container, s: ContainerState, isInit: boolean): Promise<boolean> {
    const p = this.startContainerNow(c, s, isInit);
    this.starting.add(p);
    return p.finally(() => this.starting.delete(p));
  }

  /** Waits for the container starts under way (each stops its container if the pod is stopping). */
  private async settleStarts(): Promise<void> {
    await Promise.allSettled([...this.starting]);
  }

  private async startContainerNow(c: Container, s: ContainerState, isInit: boolean): Promise<boolean> {
    // Stopped while it waited for a start slot (settleStarts does not wait for those): start nothing.
    if (this.finished || this.stopping) return false;
    const pod = this.pod;
    const name = c.image ?? '';
    const resolved = this.resolveImage(c, isInit);
    if (!resolved || (!resolved.image && !resolved.placeholder)) {
      // Upstream: pkg/kubelet/images/image_manager.go EnsureImageExists (then ImagePullBackOff while backing off)
      const ref = normalizeRef(name);
      const msg = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
      this.event('Normal', 'Pulling', `Pulling image "${name}"`, c, isInit);
      this.event('Warning', 'Failed', `Failed to pull image "${name}": ${msg}`, c, isInit);
      this.event('Warning', 'Failed', 'Error: ErrImagePull', c, isInit);
      s.waiting = { reason: 'ErrImagePull', message: msg };
      s.backoffMs = s.backoffMs ? Math.min(s.backoffMs * 2, MAX_BACKOFF_MS) : INITIAL_BACKOFF_MS;
      s.backoffUntil = Date.now() + s.backoffMs;
      return false;
    }
    const img = (resolved.image ?? resolved.placeholder)!;
    let env: Array<[string, string]>;
    let mounts: Array<{ source: string; destination: string; readOnly: boolean }> = [];
    let user: Credentials;
    let targetPidNs: string | undefined;
    try {
      env = await containerEnv(this.ctx.client, pod, c, img.config.Env ?? [], this.ctx.hostIP);
      const envMap = new Map(env);
      let i = 0;
      for (const vm of c.volumeMounts ?? []) {
        const mv = this.volumes.get(vm.name);
        if (!mv) throw new ConfigError(`cannot find volume "${vm.name}" to mount into container "${c.name}"`);
        let source = mv.path;
        const sub = vm.subPathExpr ? expand(vm.subPathExpr, (n) => envMap.get(n)) : vm.subPath;
        if (sub) {
          try { source = await prepareSubPath({ volumePath: mv.path, subPath: sub, podDir: this.dir, volumeName: vm.name, containerName: c.name, index: i }); }
          catch (e) {
            this.ctx.log('subPath refused', { pod: this.key, err: String(e) });
            throw new ConfigError(`failed to prepare subPath for volumeMount "${vm.name}" of container "${c.name}"`);
          }
        }
        mounts.push({ source, destination: vm.mountPath, readOnly: !!vm.readOnly || !!mv.readOnly });
        i++;
      }
      user = containerCredentials(pod, c, img.config, img.rootfs);
      // An ephemeral container's targetContainerName: it joins that container's PID namespace.
      // Upstream: kuberuntime_container.go generateContainerConfig (findTargetContainerID).
      const target = (c as { targetContainerName?: string }).targetContainerName;
      if (target) {
        const t = this.containerState(target)?.running;
        const pid1 = t?.dir ? namespacePid(t.dir) : undefined;
        if (!pid1) throw new ConfigError(`unable to find target container ${target}`);
        targetPidNs = `/proc/${pid1}/ns/pid`;
      }
    } catch (e) {
      if (e instanceof CreateError) {
        // Upstream: the runtime's CreateContainer failed (kuberuntime_container.go startContainer).
        s.waiting = { reason: 'CreateContainerError', message: e.message };
        this.event('Warning', 'Failed', `Error: ${e.message}`, c, isInit);
        return false;
      }
      if (!(e instanceof ConfigError) && !(e instanceof SubPathError)) throw e;
      s.waiting = { reason: 'CreateContainerConfigError', message: e.message };
      this.event('Warning', 'Failed', `Error: ${e.message}`, c, isInit);
      return false;
    }
    const argv = resolved.image ? containerArgv(c, img.config, env) : (c.command?.length ? containerArgv(c, {}, env) : IDLE_ARGV);
    if (argv.length === 0) {
      s.waiting = { reason: 'CreateContainerError', message: 'no command specified' };
      this.event('Warning', 'Failed', 'Error: no command specified', c, isInit);
      return false;
    }
    const n = s.lastTerm || s.running ? s.restartCount + (s.lastTerm ? 1 : 0) : 0;
    const containerID = 'stowage://' + createHash('sha256').update(`${pod.metadata.uid}/${c.name}/${n}`).digest('hex');
    const dir = path.join(this.dir, 'containers', c.name, String(n));
    // A hostNetwork pod shares the node's UTS namespace upstream, so it sees the node's hostname.
    const hostname = pod.spec?.hostNetwork ? this.ctx.nodeName : pod.spec?.hostname ?? pod.metadata.name;
    const sc = { ...(pod.spec?.securityContext ?? {}), ...(c.securityContext ?? {}) } as { readOnlyRootFilesystem?: boolean };
    let join: { net?: string; ipc?: string; pid?: string };
    try { join = { ...(await this.podSandboxNamespaces()), ...(targetPidNs ? { pid: targetPidNs } : {}) }; }
    catch (e) {
      // Upstream: kuberuntime_manager.go SyncPod → FailedCreatePodSandBox; the container stays ContainerCreating.
      this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
      s.waiting = { reason: 'ContainerCreating' };
      return false;
    }
    await removeSandbox(dir).catch(() => {});
    this.exitWatched.add(dir); // before the start: a container may exit before startSandbox returns
    try {
      const sandbox = await startSandbox({
        onExit: () => { this.exitWatched.delete(dir); if (!this.finished) this.checkExits(); },
        dir, lowerdir: img.rootfs, argv, env, workingDir: c.workingDir || img.config.WorkingDir || undefined, hostname,
        etcFiles: { hosts: this.hostsFile(hostname), hostname: hostname + '\n', 'resolv.conf': this.resolvConf() },
        mounts, readOnlyRootFilesystem: !!sc.readOnlyRootFilesystem, user,
        stdin: !!c.stdin, logPath: containerLogPath(this.logDir, c.name, n), join,
      });
      if (this.finished || this.stopping) {
        // The pod was deleted, or the agent stopped, while this container was starting: stop it now.
        this.exitWatched.delete(dir);
        await stopSandbox(dir, sandbox, 0).catch(() => {});
        return false;
      }
      this.event('Normal', 'Created', `Created container ${c.name}`, c, isInit);
      this.event('Normal', 'Started', `Started container ${c.name}`, c, isInit);
      const inst: Instance = { n, containerID, dir, sandbox, startedAt: sandbox.startedAt.replace(/\.\d+Z$/, 'Z'), imageID: this.imageIdOf(img), image: name, env, user, placeholder: false };
      if (s.lastTerm) s.restartCount = n;
      s.running = inst; s.waiting = undefined; s.imageID = inst.imageID;
      s.started = !c.startupProbe; s.ready = !c.readinessProbe && !c.startupProbe;
      await this.save();
      this.startProbes(c, isInit);
      return true;
    } catch (e) {
      this.exitWatched.delete(dir);
      const msg = (e as Error).message;
      s.waiting = { reason: 'RunContainerError', message: msg };
      this.event('Warning', 'Failed', `Error: ${msg}`, c, isInit);
      return false;
    }
  }

  /**
   * The pod's network and IPC namespaces for its containers to join (made on first use, found again after
   * an agent restart); hostNetwork/hostIPC keep the node's.
   */
  private async podSandboxNamespaces(): Promise<{ net?: string; ipc?: string }> {
    const spec = this.pod.spec;
    if (!this.needsPodNamespaces()) return {};
    const p = await this.pinNamespaces();
    return { net: spec?.hostNetwork ? undefined : p.net, ipc: spec?.hostIPC ? undefined : p.ipc };
  }

  /**
   * A terminal pod (all containers done for good) keeps no sandbox: its pause process is stopped, as the kubelet
   * stops the pod sandbox. Upstream: kuberuntime_manager.go KillPod → StopPodSandbox
   */
  private async releaseSandbox(): Promise<void> {
    if (this.sandboxReleased) return;
    this.sandboxReleased = true;
    await this.nsPinning?.catch(() => {}); // a pin still being made is released too
    this.nsPinning = undefined;
    if (this.ctx.podNamespaces && !this.ctx.simulated) await releasePodNamespaces(this.dir).catch((e) => this.ctx.log('sandbox release failed', { pod: this.key, err: String(e) }));
  }

  private needsPodNamespaces(): boolean {
    const spec = this.pod.spec;
    return this.ctx.podNamespaces && !this.ctx.simulated && !(spec?.hostNetwork && spec?.hostIPC);
  }

  /**
   * The pod's namespaces: its pause process's (found again if a previous agent started it), started once
   * when missing (concurrent callers share the start). A pause process that died is replaced; containers
   * still running keep the old namespaces (upstream would restart them all: SandboxChanged).
   */
  private pinNamespaces(): Promise<PodNamespaces> {
    const live = podNamespacePaths(this.dir);
    if (live) return Promise.resolve(live);
    // A sync or start still under way when the pod (or the agent) stops must not start a pause process
    // after releaseSandbox has stopped the pod's: nobody would stop that one.
    if (this.finished || this.stopping || this.sandboxReleased) return Promise.reject(new Error('the pod is stopping'));
    this.nsPinning ??= ensurePodNamespaces(this.dir, this.ctx.hostIP).finally(() => { this.nsPinning = undefined; });
    return this.nsPinning;
  }

  private imageIdOf(img: ResolvedImage): string {
    return `${img.config.ref.replace(/:[^/:]*$/, '').replace(/@.*$/, '')}@${img.config.id}`;
  }

  private hostsFile(hostname: string): string {
    const sub = this.pod.spec?.subdomain;
    const fqdn = sub ? `${hostname}.${sub}.${this.pod.metadata.namespace}.svc.cluster.local\t${hostname}` : hostname;
    // Upstream: pkg/kubelet/kubelet_pods.go managedHostsFileContent
    return '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n'
      + `${this.ctx.hostIP}\t${fqdn}\n`;
  }

  private resolvConf(): string {
    try { return readFileSync('/etc/resolv.conf', 'utf8'); } catch { return 'nameserver 127.0.0.1\n'; }
  }

  /**
   * Stops the running sidecars in the reverse of their order in the spec, each with the pod's grace period,
   * and records their exits. Upstream: the kubelet terminates restartable init containers after the main
   * containers, in reverse order.
   */
  private async stopSidecars(graceSec = this.pod.spec?.terminationGracePeriodSeconds ?? 30): Promise<void> {
    for (const c of [...(this.pod.spec?.initContainers ?? [])].reverse()) {
      const s = this.state.init[c.name];
      if (!isSidecar(c) || !s?.running || s.running.placeholder && !s.running.dir) continue;
      await this.stopAndRecord(c.name, s, graceSec, true);
    }
  }

  /** Stops running ephemeral containers (a pod done for good keeps none), recording their exits. */
  private async stopEphemeral(graceSec = this.pod.spec?.terminationGracePeriodSeconds ?? 30): Promise<void> {
    await Promise.all(Object.entries(this.state.ephemeral ?? {}).map(([name, s]) => (s.running?.dir ? this.stopAndRecord(name, s, graceSec) : undefined)));
  }

  /** One running container of a pod that goes on: Killing event, SIGTERM, grace, SIGKILL, its exit recorded. */
  private async stopAndRecord(name: string, s: ContainerState, graceSec: number, isInit = false): Promise<void> {
    this.stopProbes(name);
    this.event('Normal', 'Killing', `Stopping container ${name}`, this.specOf(name), isInit);
    await stopSandbox(s.running!.dir, s.running!.sandbox, graceSec * 1000).catch(() => {});
    if (s.running) await this.recordExit(name, s); // unless the exit was heard and recorded meanwhile
  }

  private startProbes(c: Container, isInit: boolean): void {
    this.stopProbes(c.name);
    if (isInit && !isSidecar(c)) return; // probes of an ordinary init container are not run (upstream validation refuses them)
    const timers: NodeJS.Timeout[] = [];
    const kinds = [['startup', c.startupProbe], ['readiness', c.readinessProbe], ['liveness', c.livenessProbe]] as const;
    for (const [kind, probe] of kinds) {
      if (!probe) continue;
      let successes = 0, failures = 0;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const tick = async () => {
        const s = this.containerState(c.name);
        if (!s?.running || this.finished) return;
        if (kind !== 'startup' && !s.started) return;
        if (kind === 'startup' && s.started) return;
        const r = await runProbe(probe, c, this.execTarget(c.name), this.podNetns());
        if (r.ok) { successes++; failures = 0; } else { failures++; successes = 0; }
        const label = kind[0]!.toUpperCase() + kind.slice(1);
        if (!r.ok) this.event('Warning', 'Unhealthy', `${label} probe failed: ${r.output}`, c, isInit);
        if (kind === 'startup') {
          if (r.ok) { s.started = true; s.ready = !c.readinessProbe; this.kick(); }
          else if (failures >= (probe.failureThreshold ?? 3)) { this.killForProbe(c, 'startup', isInit); failures = 0; }
        } else if (kind === 'readiness') {
          const ready = r.ok ? successes >= (probe.successThreshold ?? 1) ? true : s.ready : failures >= (probe.failureThreshold ?? 3) ? false : s.ready;
          if (ready !== s.ready) { s.ready = ready; this.kick(); }
        } else if (!r.ok && failures >= (probe.failureThreshold ?? 3)) { this.killForProbe(c, 'liveness', isInit); failures = 0; }
      };
      // Upstream's probe worker ticks every period from when the pod was added, and skips ticks before
      // initialDelaySeconds: a liveness or startup probe first runs about a period after the start (a
      // server gets that long to bind its port). A readiness probe is also triggered at once when the kubelet
      // sees the container running without a result, so Ready does not wait a whole period.
      const delay = probe.initialDelaySeconds ?? 0;
      const first = setTimeout(() => {
        void tick();
        const iv = setInterval(() => void tick(), period); iv.unref?.(); timers.push(iv);
      }, kind === 'readiness' ? delay * 1000 : Math.max(1, Math.ceil(delay * 1000 / period)) * period);
      first.unref?.();
      timers.push(first);
    }
    this.probeTimers.set(c.name, timers);
  }

  private killForProbe(c: Container, kind: string, isInit = false): void {
    const s = this.containerState(c.name);
    if (!s?.running) return;
    this.event('Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, c, isInit);
    const grace = (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    void stopSandbox(s.running.dir, s.running.sandbox, grace).then(() => this.checkExits());
  }

  private stopProbes(name: string): void {
    for (const t of this.probeTimers.get(name) ?? []) { clearTimeout(t); clearInterval(t); }
    this.probeTimers.delete(name);
  }

  private async syncSimulated(): Promise<void> {
    if (!this.onceEvents.has('simulated')) {
      this.onceEvents.add('simulated');
      this.event('Warning', 'SandboxUnavailable', `Pod is simulated (no processes run): ${this.ctx.simulated}`);
    }
    for (const c of this.pod.spec?.containers ?? []) {
      const s = (this.state.containers[c.name] ??= newContainerState());
      if (!s.running) {
        const inst = { n: 0, containerID: 'stowage://simulated', dir: '', sandbox: { bwrapPid: 0, bwrapStart: 0, startedAt: this.nowIso() }, startedAt: this.nowIso(), imageID: '', image: c.image ?? '', env: [], placeholder: true };
        s.running = inst; s.ready = true; s.started = true;
      }
    }
    for (const c of this.pod.spec?.initContainers ?? []) {
      this.state.init[c.name] ??= { ...newContainerState(), lastTerm: { exitCode: 0, reason: 'Completed', startedAt: this.nowIso(), finishedAt: this.nowIso(), containerID: 'stowage://simulated' } };
    }
    this.state.volumesReady = true;
    await this.save();
    await this.pushStatus(true);
  }

  private async pushStatus(volumesReady: boolean): Promise<void> {
    const status = buildPodStatus(this.pod, this.state, { hostIP: this.ctx.hostIP, now: this.nowIso(), volumesReady });
    const key = JSON.stringify(status, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (key === this.lastStatus) return;
    try {
      const updated = await this.ctx.client.patch<Pod>(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, 'merge', { status }, { subresource: 'status' });
      this.lastStatus = key;
      if (updated.metadata.uid === this.pod.metadata.uid) this.pod = { ...this.pod, status: updated.status };
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  /** Stops every container (SIGTERM, grace, SIGKILL) and, when the pod object is being deleted, removes it. */
  async terminate(deleteObject: boolean, graceOverrideSec?: number): Promise<void> {
    if (this.finished) return;
    this.stopping = true;
    await this.settleStarts();
    const grace = graceOverrideSec ?? this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    // The main containers (and an ordinary init container) first, all at once; then the sidecars, last
    // started first, as upstream terminates restartable init containers after the others.
    const sidecars = (this.pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name).reverse();
    const stop = (isInit: boolean, name: string, s: ContainerState): Promise<void> => {
      this.stopProbes(name);
      if (!s.running || s.running.placeholder && !s.running.dir) { s.running = undefined; return Promise.resolve(); }
      const c = this.specOf(name);
      if (c && deleteObject) this.event('Normal', 'Killing', `Stopping container ${name}`, c, isInit);
      const inst = s.running;
      return stopSandbox(inst.dir, inst.sandbox, grace * 1000).then(() => removeSandbox(inst.dir)).catch(() => {});
    };
    await Promise.all([
      ...Object.entries(this.state.containers).map(([name, s]) => stop(false, name, s)),
      ...Object.entries(this.state.ephemeral ?? {}).map(([name, s]) => stop(false, name, s)),
      ...Object.entries(this.state.init).filter(([name]) => !sidecars.includes(name)).map(([name, s]) => stop(true, name, s)),
    ]);
    for (const name of sidecars) { const s = this.state.init[name]; if (s) await stop(true, name, s); }
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    await this.releaseSandbox();
    await tearDownPod(this.dir).catch((e) => this.ctx.log('teardown failed', { pod: this.key, err: String(e) }));
    if (deleteObject) {
      try {
        await this.ctx.client.delete(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: this.pod.metadata.uid } });
      } catch (e) { if (!isNotFound(e) && !(isStatusError(e) && e.code === 409)) this.ctx.log('pod delete failed', { pod: this.key, err: String(e) }); }
    }
    this.onGone?.();
  }

  /**
   * Agent shutdown without keepPods (a node going down): stop the containers but keep the pod's volumes
   * and state, so the next agent finds them exited and restarts them as a rebooted kubelet would.
   */
  async stopContainers(graceSec: number): Promise<void> {
    this.detach();
    await this.settleStarts();
    // No pause process either (the next agent makes the pod's namespaces anew, as after a reboot); stopped
    // first, as running containers hold the namespaces themselves.
    const stops: Promise<void>[] = [this.releaseSandbox()];
    for (const m of this.stateMaps()) for (const s of Object.values(m)) {
      if (s.running?.dir && !this.ctx.simulated) { const inst = s.running; stops.push(stopSandbox(inst.dir, inst.sandbox, graceSec * 1000).catch(() => {})); }
    }
    await Promise.all(stops);
    // Leave no mounts behind (overlay roots, tmpfs, subPath binds): like a reboot, Memory emptyDirs
    // start empty next time, disk volumes keep their data.
    await unmountAll(await mountsUnderShared(this.dir));
  }

  /**
   * Agent shutdown: no new sync starts; the one under way (it may be mounting volumes or starting a container)
   * gets up to 3 s to finish, then every container is stopped and every mount under the pod released.
   */
  async shutdown(graceSec: number): Promise<void> {
    this.detach();
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 3000).unref())]);
    await this.stopContainers(graceSec);
  }

  /** Agent shutdown with keepPods: stop timers only, leave processes running for the next agent. */
  detach(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    for (const n of [...this.probeTimers.keys()]) this.stopProbes(n);
  }
}
