// Runs short-lived pods pinned to a node and waits for them to finish: the way storage controllers touch a
// node's disk (make, scrub or remove a directory) without ever writing to it themselves — nodes may be other
// machines. Upstream: rancher/local-path-provisioner provisioner.go (createHelperPod: reuse an existing pod,
// poll until Succeeded, delete it) and pkg/volume/util/recyclerclient/recycler_client.go.
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { Informer } from '../../client/informer.js';
import type { Client } from '../../client/types.js';
import type { Pod } from '../pvbinder/types.js';

interface Waiter { resolve(p: Pod): void; reject(e: Error): void }

export class HelperPodRunner {
  private waiters = new Map<string, Waiter>();
  private ensuredNamespaces = new Set<string>();

  constructor(private readonly client: Client, private readonly pods: Informer<Pod>, private readonly log: (msg: string) => void = () => {}) {
    const check = (p: Pod) => {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      const w = this.waiters.get(key);
      if (w && (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')) { this.waiters.delete(key); w.resolve(p); }
    };
    pods.addEventHandler({ onAdd: check, onUpdate: (_o, n) => check(n) });
  }

  /**
   * Creates pod (or reuses one of the same name), waits until it Succeeds, deletes it. Rejects when the pod
   * fails or `timeoutMs` passes, with `what` in the message. `onFinished` sees the final pod before deletion.
   */
  async run(pod: Pod, timeoutMs: number, what: string, onFinished?: (p: Pod) => Promise<void>): Promise<Pod> {
    const ns = pod.metadata.namespace!, name = pod.metadata.name!, key = `${ns}/${name}`;
    const done = new Promise<Pod>((resolve, reject) => this.waiters.set(key, { resolve, reject }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.create(pod);
      // The pod may have finished before we started waiting (reused pod, fast node).
      const cached = this.pods.getByName(ns, name);
      if (cached && (cached.status?.phase === 'Succeeded' || cached.status?.phase === 'Failed')) {
        this.waiters.get(key)?.resolve(cached);
      }
      const timeout = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} process timeout after ${Math.round(timeoutMs / 1000)} seconds`)), timeoutMs);
        timer.unref?.();
      });
      const finished = await Promise.race([done, timeout]);
      if (finished.status?.phase !== 'Succeeded') {
        const cs = finished.status?.containerStatuses?.[0]?.state?.terminated;
        const detail = finished.status?.message || cs?.message || cs?.reason || (cs?.exitCode !== undefined ? `exit code ${cs.exitCode}` : 'pod failed');
        throw new Error(`${what} process failed: ${detail}`);
      }
      await onFinished?.(finished);
      return finished;
    } finally {
      if (timer) clearTimeout(timer);
      this.waiters.delete(key);
      await this.client.delete(R.pods, ns, name, { gracePeriodSeconds: 0 }).catch((e) => {
        if (!isNotFound(e)) this.log(`deleting helper pod ${key}: ${(e as Error).message}`);
      });
    }
  }

  /** Messages of the events recorded about a pod, oldest first (forwarded by the recycler as RecyclerPod events). */
  async podEventMessages(namespace: string, name: string): Promise<string[]> {
    try {
      const list = await this.client.list(R.events, namespace, { fieldSelector: `involvedObject.name=${name}` });
      return list.items
        .filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === name)
        .sort((a, b) => String(a.firstTimestamp ?? '').localeCompare(String(b.firstTimestamp ?? '')))
        .map((e) => String(e.message ?? ''));
    } catch { return []; }
  }

  private async create(pod: Pod): Promise<void> {
    const ns = pod.metadata.namespace!;
    try {
      await this.client.create(R.pods, ns, pod);
    } catch (e) {
      if (isAlreadyExists(e)) return; // reuse (upstream local-path-provisioner #27)
      if (isNotFound(e) && !this.ensuredNamespaces.has(ns)) {
        this.ensuredNamespaces.add(ns);
        await this.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch((err) => { if (!isAlreadyExists(err)) throw err; });
        return this.create(pod);
      }
      throw e;
    }
  }
}

/** A busybox pod that runs `script` (with `args`) on `node` with `hostDir` mounted at the same path. */
export function nodeScriptPod(o: {
  name: string; namespace: string; node?: string; hostDir: string; mountPath?: string; script: string; args?: string[];
  env?: Record<string, string>; nodeAffinityHosts?: string[]; activeDeadlineSeconds?: number; containerName?: string;
}): Pod {
  const spec: Pod['spec'] = {
    restartPolicy: 'Never',
    containers: [{
      name: o.containerName ?? 'helper-pod', image: 'busybox', imagePullPolicy: 'IfNotPresent',
      // sh -c SCRIPT NAME ARGS...: the script sees ARGS as $1..., as `sh /script/setup ARGS...` would.
      command: ['/bin/sh', '-c', o.script, ...(o.args ? ['sh', ...o.args] : [])],
      env: Object.entries(o.env ?? {}).map(([name, value]) => ({ name, value })),
      volumeMounts: [{ name: 'data', mountPath: o.mountPath ?? o.hostDir }],
    }],
    volumes: [{ name: 'data', hostPath: { path: o.hostDir, type: 'DirectoryOrCreate' } }],
    tolerations: [{ operator: 'Exists' }],
    priorityClassName: 'system-node-critical',
  };
  if (o.node) spec.nodeName = o.node;
  else if (o.nodeAffinityHosts?.length) {
    spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: o.nodeAffinityHosts }] }] } } };
  }
  if (o.activeDeadlineSeconds) spec.activeDeadlineSeconds = o.activeDeadlineSeconds;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: o.name.slice(0, 128), namespace: o.namespace }, spec };
}

/** The hostname values a PV's node affinity allows (kubernetes.io/hostname In [...]), or [] when unpinned. */
export function volumeHosts(pv: { spec: { nodeAffinity?: { required?: { nodeSelectorTerms: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } } }): string[] {
  const out: string[] = [];
  for (const t of pv.spec.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of t.matchExpressions ?? []) if (e.key === 'kubernetes.io/hostname' && e.operator === 'In') out.push(...(e.values ?? []));
  }
  return [...new Set(out)];
}
