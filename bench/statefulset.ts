// Benchmark: a 3-replica StatefulSet with volumeClaimTemplates on the default local-path class, from
// `kubectl apply` to all 3 pods Ready (target under 3 s with real sandboxes; upstream's OrderedReady starts the
// pods one at a time, each after its claim is provisioned on the node the scheduler picked).
// Same-run baseline: a 3-replica Deployment without volumes to all pods Ready (what the workload machinery costs
// without storage). Cluster: `bin/stowage up --nodes n1,n2,n3`. Prints one JSON line {"name":"statefulset", ...}.
//
//   npx tsx bench/statefulset.ts [--runs 3]
import { spawnSync } from 'node:child_process';
import { clusterUnavailable, startUp } from './cluster.js';
import { arg, median, runMain } from './util.js';

export interface StatefulSetResult {
  name: 'statefulset'; runs: number;
  sts_ready_ms: number; sts_ready_ms_all: number[]; deployment_ready_ms: number;
  target_ms: number; meets_target: boolean;
}

const container = `      containers:
      - name: app
        image: busybox
        command: ['sh', '-c', 'sleep 3600']
        readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}`;

const sts = (i: number) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: bench-sts-${i}}
spec:
  serviceName: bench-sts-${i}
  replicas: 3
  selector: {matchLabels: {app: bench-sts-${i}}}
  template:
    metadata: {labels: {app: bench-sts-${i}}}
    spec:
${container}
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

const deploy = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: bench-deploy-${i}}
spec:
  replicas: 3
  selector: {matchLabels: {app: bench-deploy-${i}}}
  template:
    metadata: {labels: {app: bench-deploy-${i}}}
    spec:
${container}
`;

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Applies yaml and waits until `ready` pods with label app=<app> are Ready; returns the elapsed ms. */
async function applyAndWait(kubeconfig: string, yaml: string, app: string): Promise<number> {
  const t0 = performance.now();
  kubectl(kubeconfig, ['apply', '-f', '-'], yaml);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = kubectl(kubeconfig, ['get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    if (out.split('\n').filter((l) => l === 'True').length === 3) return performance.now() - t0;
    if (Date.now() > deadline) throw new Error(`${app}: pods not Ready within 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function runStatefulSetBench(o: { runs?: number } = {}): Promise<StatefulSetResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const runs = o.runs ?? 3;
  const c = await startUp(['n1', 'n2', 'n3']);
  try {
    const times: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(await applyAndWait(c.kubeconfig, deploy(i), `bench-deploy-${i}`));
      times.push(await applyAndWait(c.kubeconfig, sts(i), `bench-sts-${i}`));
    }
    const m = median(times);
    return {
      name: 'statefulset', runs, sts_ready_ms: Math.round(m), sts_ready_ms_all: times.map(Math.round),
      deployment_ready_ms: Math.round(median(base)), target_ms: 3000, meets_target: m < 3000,
    };
  } finally {
    await c.stop();
    await c.remove();
  }
}

runMain(import.meta.url, () => runStatefulSetBench({ runs: arg('runs') ? Number(arg('runs')) : undefined }));
