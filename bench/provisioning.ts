// Benchmark: N dynamically provisioned local-path PVCs, each with a busybox pod that mounts it, on a
// 3-node `bin/stowage up`; time from the first create to every pod Running (target: 1,000 within 60 s;
// default N = 100, `--full` 1,000). Also the time to every claim Bound. Baseline: the same number of
// pods without volumes on the same cluster, created and timed the same way, first.
// Prints one JSON line {"name":"provisioning", ...}.
//
//   npx tsx bench/provisioning.ts [--n 100] [--full]
import { HttpClient } from '../src/client/http.js';
import { R } from '../src/api/gvr.js';
import type { KObject } from '../src/api/object.js';
import { loadClusterAccess } from '../src/benchfio/kubeconfig.js';
import { clusterUnavailable, startUp } from './cluster.js';
import { arg, hasFlag, runMain } from './util.js';

export interface ProvisioningResult {
  name: 'provisioning'; claims: number; nodes: number;
  all_bound_ms: number; all_running_ms: number; target_ms: number; meets_target: boolean;
  baseline_pods_without_volumes_running_ms: number;
  /** How many were Running / Bound when the wait ended (less than claims = timed out). */
  running: number; bound: number; baseline_running: number; timeout_ms: number;
}

async function inBatches(n: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_x, j) => fn(i + j)));
}

const podSpec = (name: string, label: string, claim?: string): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: label } },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], ...(claim ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}) }],
    ...(claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } : {}),
  },
});

/** Waits until `want` objects are ok; on timeout resolves with how many were (a slow cluster is a result, not a crash). */
async function waitCount(client: HttpClient, gvr: typeof R.pods, label: string, want: number, ok: (o: KObject) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.list(gvr, 'default', { labelSelector: `bench=${label}` });
    const n = list.items.filter(ok).length;
    if (n >= want || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const running = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase === 'Running';
const bound = (c: KObject) => (c.status as { phase?: string } | undefined)?.phase === 'Bound';

export async function runProvisioningBench(o: { n?: number } = {}): Promise<ProvisioningResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const n = o.n ?? 100;
  const nodes = ['node-a', 'node-b', 'node-c'];
  const c = await startUp(nodes);
  const a = loadClusterAccess(c.kubeconfig);
  const client = new HttpClient({ server: a.server, token: a.token, ca: a.ca });
  try {
    const timeout = Math.max(120_000, n * 200);
    const b0 = performance.now();
    await inBatches(n, 32, (i) => client.create(R.pods, 'default', podSpec(`plain-${i}`, 'plain')));
    const baselineRunning = await waitCount(client, R.pods, 'plain', n, running, timeout);
    const baseline = performance.now() - b0;
    await inBatches(n, 32, (i) => client.delete(R.pods, 'default', `plain-${i}`, { gracePeriodSeconds: 0 }));

    const t0 = performance.now();
    let boundAt = NaN, boundN = 0;
    await inBatches(n, 32, async (i) => {
      await client.create(R.persistentvolumeclaims, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-${i}`, labels: { bench: 'dyn' } },
        spec: { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      await client.create(R.pods, 'default', podSpec(`dyn-${i}`, 'dyn', `data-${i}`));
    });
    const boundWait = waitCount(client, R.persistentvolumeclaims, 'dyn', n, bound, timeout).then((k) => { boundN = k; boundAt = performance.now() - t0; });
    const runningN = await waitCount(client, R.pods, 'dyn', n, running, timeout);
    const runningMs = performance.now() - t0;
    await boundWait;
    const target = 60_000 * (n / 1000);
    return {
      name: 'provisioning', claims: n, nodes: nodes.length,
      all_bound_ms: Math.round(boundAt), all_running_ms: Math.round(runningMs), target_ms: Math.round(target), meets_target: runningN === n && runningMs <= target,
      baseline_pods_without_volumes_running_ms: Math.round(baseline),
      running: runningN, bound: boundN, baseline_running: baselineRunning, timeout_ms: timeout,
    };
  } finally {
    client.close();
    await c.stop();
    await c.remove();
  }
}

runMain(import.meta.url, () => runProvisioningBench({ n: hasFlag('full') ? 1000 : arg('n') ? Number(arg('n')) : undefined }));
