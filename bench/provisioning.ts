// Benchmark: N dynamically provisioned local-path PVCs, each with a busybox pod that mounts it, on a
// `bin/stowage up` of max(3, N/100) nodes (a node takes 110 pods, upstream's default max-pods: 3 nodes
// hold 330 pods, so 1,000 need 10); time from the first create to every pod Running (target: 1,000 within 60 s;
// default N = 100, `--full` 1,000). Also the time to every claim Bound. Baseline: the same number of
// pods without volumes on the same cluster, created and timed the same way, first.
// Prints one JSON line {"name":"provisioning", ...}.
//
//   npx tsx bench/provisioning.ts [--n 100] [--full] [--no-baseline] [--profile DIR] [--keep] [--trace]
//   --profile DIR: `up` is CPU-profiled (an inspector session from a preload; --cpu-prof is not allowed in
//   NODE_OPTIONS), the .cpuprofile lands in DIR when it exits (open in Chrome DevTools);
//   --trace: a progress line per second on stderr (selected nodes, helper pods, PVs, Bound, Running);
//   --keep: the cluster's data dir (stowage.log, node roots) is kept and printed on stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../src/client/http.js';
import { R } from '../src/api/gvr.js';
import type { KObject } from '../src/api/object.js';
import { Informer } from '../src/client/informer.js';
import { loadClusterAccess } from '../src/benchfio/kubeconfig.js';
import { clusterUnavailable, startUp } from './cluster.js';
import { arg, hasFlag, runMain } from './util.js';

export interface ProvisioningResult {
  name: 'provisioning'; claims: number; nodes: number;
  all_bound_ms: number; all_running_ms: number; target_ms: number; meets_target: boolean;
  baseline_pods_without_volumes_running_ms: number;
  /** How many were Running / Bound when the wait ended (less than claims = timed out). */
  running: number; bound: number; baseline_running: number; timeout_ms: number;
  /** Container restarts among the measured pods when all ran (none expected: `sleep 3600` never exits). */
  restarts: number;
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

/**
 * Waits until `want` objects are ok; on timeout resolves with how many were (a slow cluster is a result, not
 * a crash). Counted from a watch (an informer), not by listing a thousand pods every few hundred ms: the
 * measurement must not load the API server it measures.
 */
async function waitCount(client: HttpClient, gvr: typeof R.pods, label: string, want: number, ok: (o: KObject) => boolean, timeoutMs: number): Promise<number> {
  const inf = new Informer<KObject>(client, gvr, { namespace: 'default', labelSelector: `bench=${label}` });
  const okNames = new Set<string>();
  let wake: () => void = () => {};
  const see = (o: KObject) => {
    const k = `${o.metadata.namespace}/${o.metadata.name}`;
    if (ok(o)) okNames.add(k); else okNames.delete(k);
    if (okNames.size >= want) wake();
  };
  inf.addEventHandler({ onAdd: see, onUpdate: (_o, n) => see(n), onDelete: (o) => okNames.delete(`${o.metadata.namespace}/${o.metadata.name}`) });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reached = new Promise<void>((r) => { wake = r; });
    await inf.start();
    if (okNames.size < want) await Promise.race([reached, new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); })]);
    return okNames.size;
  } finally {
    clearTimeout(timer);
    inf.stop();
  }
}

/** A CommonJS preload that profiles the whole process and writes DIR/up-<pid>.cpuprofile on exit. */
function profilerPreload(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'profile-preload.cjs');
  writeFileSync(file, `const inspector = require('node:inspector'); const fs = require('node:fs');
const s = new inspector.Session(); s.connect();
s.post('Profiler.enable'); s.post('Profiler.setSamplingInterval', { interval: 500 }); s.post('Profiler.start');
process.on('exit', () => s.post('Profiler.stop', (err, r) => { if (!err) fs.writeFileSync(${JSON.stringify(dir)} + '/up-' + process.pid + '.cpuprofile', JSON.stringify(r.profile)); }));
`);
  return file;
}

/**
 * Once a second on stderr: claims with a selected node, helper pods, PVs, Bound claims, scheduled and
 * Running pods — where the pipeline waits.
 */
function traceProgress(client: HttpClient, t0: number): { stop(): void } {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const [claims, pods, helpers, pvs] = await Promise.all([
        client.list(R.persistentvolumeclaims, 'default', { labelSelector: 'bench=dyn' }), client.list(R.pods, 'default', { labelSelector: 'bench=dyn' }),
        client.list(R.pods, 'kube-system', {}), client.list(R.persistentvolumes, undefined, {}),
      ]);
      const ann = (c: KObject) => !!c.metadata.annotations?.['volume.kubernetes.io/selected-node'];
      const helperPods = helpers.items.filter((p) => p.metadata.name?.startsWith('helper-pod-'));
      const phase = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase;
      process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)}s claims=${claims.items.length} selected=${claims.items.filter(ann).length} `
        + `helpers=${helperPods.length} (succeeded ${helperPods.filter((p) => phase(p) === 'Succeeded').length}) pvs=${pvs.items.length} bound=${claims.items.filter(bound).length} `
        + `scheduled=${pods.items.filter((p) => (p.spec as { nodeName?: string }).nodeName).length} running=${pods.items.filter(running).length}\n`);
    } catch { /* next tick */ } finally { busy = false; }
  };
  const t = setInterval(() => void tick(), 1000);
  return { stop: () => clearInterval(t) };
}

/** Pods per node the benchmark plans for: under the node's 110, leaving room for the provisioner's helper pods. */
const PODS_PER_NODE = 100;

const running = (p: KObject) => (p.status as { phase?: string } | undefined)?.phase === 'Running';
const bound = (c: KObject) => (c.status as { phase?: string } | undefined)?.phase === 'Bound';

export async function runProvisioningBench(o: { n?: number; baseline?: boolean; profileDir?: string; keep?: boolean; trace?: boolean } = {}): Promise<ProvisioningResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const n = o.n ?? 100;
  const nodes = Array.from({ length: Math.max(3, Math.ceil(n / PODS_PER_NODE)) }, (_x, i) => `node-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`);
  // `up` inherits our environment: NODE_OPTIONS reaches it (and only it: this process has started already).
  const savedNodeOptions = process.env.NODE_OPTIONS;
  if (o.profileDir) process.env.NODE_OPTIONS = `${savedNodeOptions ?? ''} --require ${profilerPreload(o.profileDir)}`.trim();
  const c = await startUp(nodes).finally(() => {
    if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS; else process.env.NODE_OPTIONS = savedNodeOptions;
  });
  const a = loadClusterAccess(c.kubeconfig);
  const client = new HttpClient({ server: a.server, token: a.token, ca: a.ca });
  try {
    const timeout = Math.max(120_000, n * 200);
    let baselineRunning = 0, baseline = NaN;
    if (o.baseline !== false) {
      const b0 = performance.now();
      await inBatches(n, 32, (i) => client.create(R.pods, 'default', podSpec(`plain-${i}`, 'plain')));
      baselineRunning = await waitCount(client, R.pods, 'plain', n, running, timeout);
      baseline = performance.now() - b0;
      await inBatches(n, 32, (i) => client.delete(R.pods, 'default', `plain-${i}`, { gracePeriodSeconds: 0 }));
      // The baseline's pods must be gone (containers stopped, mounts released) before the measured phase
      // starts, or their teardown is measured too.
      const deadline = Date.now() + timeout;
      while ((await client.list(R.pods, 'default', { labelSelector: 'bench=plain' })).items.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    }

    const t0 = performance.now();
    let boundAt = NaN, boundN = 0;
    await inBatches(n, 32, async (i) => {
      await client.create(R.persistentvolumeclaims, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-${i}`, labels: { bench: 'dyn' } },
        spec: { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      await client.create(R.pods, 'default', podSpec(`dyn-${i}`, 'dyn', `data-${i}`));
    });
    const trace = o.trace ? traceProgress(client, t0) : undefined;
    const boundWait = waitCount(client, R.persistentvolumeclaims, 'dyn', n, bound, timeout).then((k) => { boundN = k; boundAt = performance.now() - t0; });
    const runningN = await waitCount(client, R.pods, 'dyn', n, running, timeout);
    const runningMs = performance.now() - t0;
    await boundWait;
    trace?.stop();
    type Restarts = KObject & { status?: { containerStatuses?: Array<{ restartCount?: number }> } };
    const restarts = (await client.list<Restarts>(R.pods, 'default', { labelSelector: 'bench=dyn' })).items
      .reduce((sum, p) => sum + (p.status?.containerStatuses ?? []).reduce((x, cs) => x + (cs.restartCount ?? 0), 0), 0);
    const target = 60_000 * (n / 1000);
    return {
      name: 'provisioning', claims: n, nodes: nodes.length,
      all_bound_ms: Math.round(boundAt), all_running_ms: Math.round(runningMs), target_ms: Math.round(target), meets_target: runningN === n && runningMs <= target,
      baseline_pods_without_volumes_running_ms: Math.round(baseline),
      running: runningN, bound: boundN, baseline_running: baselineRunning, timeout_ms: timeout, restarts,
    };
  } finally {
    client.close();
    await c.stop();
    if (o.keep) process.stderr.write(`bench: kept ${c.dir}\n`);
    else await c.remove();
  }
}

runMain(import.meta.url, () => runProvisioningBench({
  n: hasFlag('full') ? 1000 : arg('n') ? Number(arg('n')) : undefined,
  baseline: !hasFlag('no-baseline'), profileDir: arg('profile'), keep: hasFlag('keep'), trace: hasFlag('trace'),
}));
