// One `bench fio` run against one StorageClass, as kubestr does it: ConfigMap with the job file, a PVC of
// the class, a pod with the PVC at /dataset and the ConfigMap at /etc/fio-config, `fio` through
// pods/exec, then everything deleted again (also when fio fails or the run is interrupted).
// Upstream: kastenhq/kubestr pkg/fio/fio.go (RunFioHelper, createPVC, createPod, runFIOCommand)
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { StatusError } from '../api/errors.js';
import type { Client } from '../client/types.js';
import { execInPod } from './exec.js';
import { latencyVariant, type JobFile } from './jobs.js';
import type { ClusterAccess } from './kubeconfig.js';
import { generateName } from './names.js';
import { goDuration, parseFioOutput, type FioResult } from './result.js';
import { waitForPodRunning } from './wait.js';

export const CONFIGMAP_MOUNT = '/etc/fio-config';
export const VOLUME_MOUNT = '/dataset';
export const CREATED_BY_FIO_LABEL = 'createdbyfio';
export const CONTAINER_NAME = 'kubestr-fio';
const LATENCY_SUFFIX = '.latency';

export interface FioRunOptions {
  client: Client;
  access: ClusterAccess;
  storageClass: string;
  size: string;
  namespace: string;
  nodeSelector?: Record<string, string>;
  job: JobFile;
  image: string;
  /** Second pass without gtod_reduce for completion-latency percentiles. */
  latency?: boolean;
  /** Run once the pod is Running, just before and just after fio in the pod, with the pod's node (the host baseline). */
  beforeFio?: (node: string) => Promise<void>;
  afterFio?: (node: string) => Promise<void>;
  signal?: AbortSignal;
  /** kubestr's own lines ("PVC created ...") */
  out: (line: string) => void;
  /** progress and diagnostics (stderr) */
  progress: (line: string) => void;
  /** Called while fio runs, with the elapsed ms, about every second. */
  tick?: (elapsedMs: number) => void;
  waitTimeoutMs?: number;
  stuckAfterMs?: number;
}

export interface FioRunResult {
  pvc: string; pod: string; configMap: string; node: string;
  elapsedMs: number;
  result: FioResult;
  latency?: FioResult;
  /** kubestr's RunFIOResult: what `-o json` carries as Raw */
  raw: { size: string; storageClass: KObject; fioConfig: string; result: FioResult };
}

/** Go's %v of a map[string]string: map[a:b c:d] with sorted keys. */
function goMap(m: Record<string, string> = {}): string {
  return `map[${Object.keys(m).sort().map((k) => `${k}:${m[k]}`).join(' ')}]`;
}

function wrap(msg: string, e: unknown): Error {
  return new Error(`${msg}: ${e instanceof Error ? e.message : String(e)}`);
}

const isNotFound = (e: unknown) => e instanceof StatusError && e.code === 404;

export async function runFio(o: FioRunOptions): Promise<FioRunResult> {
  const { client, namespace } = o;
  try { await client.get(R.namespaces, undefined, namespace); } catch (e) { throw wrap(`Unable to find namespace (${namespace})`, e); }
  if (o.nodeSelector && Object.keys(o.nodeSelector).length) {
    const selector = Object.entries(o.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',');
    const nodes = await client.list(R.nodes, undefined, { labelSelector: selector });
    if (nodes.items.length === 0) throw wrap(`Unable to find nodes satisfying node selector (${goMap(o.nodeSelector)})`, new Error('No nodes match selector'));
  }
  let sc: KObject;
  try { sc = await client.get(R.storageclasses, undefined, o.storageClass); } catch (e) { throw wrap('Cannot find StorageClass', e); }

  const created: { configMap?: string; pvc?: string; pod?: string } = {};
  try {
    const data: Record<string, string> = { [o.job.name]: o.job.text };
    if (o.latency) data[o.job.name + LATENCY_SUFFIX] = latencyVariant(o.job.text);
    const cmName = generateName('kubestr-fio');
    try {
      await client.create(R.configmaps, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cmName, namespace, labels: { [CREATED_BY_FIO_LABEL]: 'true' } }, data });
    } catch (e) { throw wrap('Unable to create a ConfigMap', e); }
    created.configMap = cmName;

    const pvcName = generateName('kubestr-fio-pvc-');
    try {
      await client.create(R.persistentvolumeclaims, namespace, {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: pvcName, namespace },
        spec: { storageClassName: o.storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.size } } },
      });
    } catch (e) { throw wrap('Failed to create PVC', e); }
    created.pvc = pvcName;
    o.out(`PVC created ${pvcName}`);

    const podName = generateName('kubestr-fio-pod-');
    let node: string;
    try {
      await client.create(R.pods, namespace, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: podName, namespace },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{
            name: CONTAINER_NAME, image: o.image, command: ['/bin/sh'], args: ['-c', 'tail -f /dev/null'],
            volumeMounts: [{ name: 'persistent-storage', mountPath: VOLUME_MOUNT }, { name: 'config-map', mountPath: CONFIGMAP_MOUNT }],
          }],
          volumes: [
            { name: 'persistent-storage', persistentVolumeClaim: { claimName: pvcName } },
            { name: 'config-map', configMap: { name: cmName } },
          ],
          ...(o.nodeSelector && Object.keys(o.nodeSelector).length ? { nodeSelector: o.nodeSelector } : {}),
        },
      });
      created.pod = podName;
      node = await waitForPodRunning({
        client, namespace, pod: podName, pvc: pvcName, signal: o.signal, progress: o.progress,
        timeoutMs: o.waitTimeoutMs ?? 180_000, stuckAfterMs: o.stuckAfterMs ?? 8_000,
      });
    } catch (e) { throw wrap('Failed to create POD', e); }
    o.out(`Pod created ${podName}`);
    o.out(`Running FIO test (${o.job.name}) on StorageClass (${o.storageClass}) with a PVC of Size (${o.size})`);

    const runPass = async (key: string): Promise<{ result: FioResult; elapsedMs: number }> => {
      const command = ['fio', '--directory', VOLUME_MOUNT, `${CONFIGMAP_MOUNT}/${key}`, '--output-format=json'];
      const t0 = Date.now();
      const timer = o.tick ? setInterval(() => o.tick!(Date.now() - t0), 1000) : undefined;
      try {
        const r = await execInPod(o.access, namespace, podName, command, { container: CONTAINER_NAME, signal: o.signal });
        const elapsedMs = Date.now() - t0;
        if (r.exitCode !== 0) {
          throw new Error(`Error running command:(${JSON.stringify(command)}), stderr:(${r.stderr.trim()}): ${r.message ?? `exit code ${r.exitCode}`}`);
        }
        if (r.stderr.trim()) o.progress(`fio stderr: ${r.stderr.trim()}`);
        return { result: parseFioOutput(r.stdout), elapsedMs };
      } finally { if (timer) clearInterval(timer); }
    };

    if (o.beforeFio) await o.beforeFio(node);
    let main: { result: FioResult; elapsedMs: number };
    try { main = await runPass(o.job.name); }
    catch (e) { if (o.signal?.aborted) throw e; throw wrap('Failed while running FIO test.', e); }
    o.out(`Elapsed time- ${goDuration(main.elapsedMs)}`);

    let latency: FioResult | undefined;
    if (o.latency) {
      o.progress('Running the same job again without gtod_reduce for completion-latency percentiles');
      latency = (await runPass(o.job.name + LATENCY_SUFFIX)).result;
    }
    if (o.afterFio) await o.afterFio(node);
    return {
      pvc: pvcName, pod: podName, configMap: cmName, node, elapsedMs: main.elapsedMs, result: main.result, latency,
      raw: { size: o.size, storageClass: sc, fioConfig: o.job.text, result: main.result },
    };
  } finally {
    await cleanup(client, namespace, created, o.progress);
  }
}

/**
 * Deletes pod, PVC and ConfigMap, then waits until the pod and the claim are really gone (the claim's
 * pvc-protection finalizer holds it while the pod exists), so nothing is left when the command returns.
 */
export async function cleanup(client: Client, namespace: string, c: { configMap?: string; pvc?: string; pod?: string }, progress: (l: string) => void, timeoutMs = 60_000): Promise<void> {
  const del = async (gvr: typeof R.pods, name: string | undefined, grace?: number) => {
    if (!name) return;
    try { await client.delete(gvr, namespace, name, grace === undefined ? undefined : { gracePeriodSeconds: grace }); }
    catch (e) { if (!isNotFound(e)) progress(`cleanup: deleting ${gvr.resource}/${name}: ${(e as Error).message}`); }
  };
  await del(R.pods, c.pod, 0);
  await del(R.persistentvolumeclaims, c.pvc);
  await del(R.configmaps, c.configMap);
  const deadline = Date.now() + timeoutMs;
  for (const [gvr, name] of [[R.pods, c.pod], [R.persistentvolumeclaims, c.pvc]] as const) {
    if (!name) continue;
    for (;;) {
      try { await client.get(gvr, namespace, name); }
      catch (e) { if (isNotFound(e)) break; progress(`cleanup: ${(e as Error).message}`); break; }
      if (Date.now() > deadline) { progress(`cleanup: ${gvr.resource}/${name} still exists after ${timeoutMs / 1000}s`); break; }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
