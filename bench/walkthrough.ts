// Benchmark: seed 001's walkthrough, timed as the acceptance scenario times it: with the local-storage
// StorageClass, the static local PV and the claim (waiting for its first consumer) in place, from
// `kubectl apply` of the busybox pod to "Local Volume" written in the node's /mnt/ssd/test.txt (target
// under 1 s). Same-run baseline: `kubectl apply` of a ConfigMap, i.e. what kubectl itself costs.
// Cluster: `bin/stowage up --control-plane k3s-master --nodes raspberrypi-1,raspberrypi-2`.
// Prints one JSON line {"name":"walkthrough", ...}.
//
//   npx tsx bench/walkthrough.ts [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterUnavailable, startUp } from './cluster.js';
import { arg, median, runMain } from './util.js';

export interface WalkthroughResult {
  name: 'walkthrough'; runs: number;
  apply_to_file_ms: number; apply_to_file_ms_all: number[]; kubectl_apply_configmap_ms: number;
  target_ms: number; meets_target: boolean;
}

const NODES = ['raspberrypi-1', 'raspberrypi-2'];

const setup = (i: number) => `kind: StorageClass
apiVersion: storage.k8s.io/v1
metadata: {name: local-storage-${i}}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: test-local-pv-${i}}
spec:
  capacity: {storage: 400Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-storage-${i}
  local: {path: /mnt/ssd${i}}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [${NODES.join(', ')}]}
---
kind: PersistentVolumeClaim
apiVersion: v1
metadata: {name: test-pvc-${i}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-storage-${i}
  resources: {requests: {storage: 400Gi}}
`;

const pod = (i: number) => `apiVersion: v1
kind: Pod
metadata: {name: test-local-pv-${i}, labels: {name: test-local-pv}}
spec:
  containers:
    - name: app
      image: busybox
      command: ['sh', '-c', 'echo "Local Volume" > /mnt/test.txt && sleep 3600']
      volumeMounts: [{name: local-persistent-storage, mountPath: /mnt}]
  volumes:
    - name: local-persistent-storage
      persistentVolumeClaim: {claimName: test-pvc-${i}}
`;

function kubectlApply(kubeconfig: string, yaml: string): void {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: yaml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl apply: ${r.stderr.trim()}`);
}

const fileHas = (p: string) => { try { return readFileSync(p, 'utf8') === 'Local Volume\n'; } catch { return false; } };

export async function runWalkthroughBench(o: { runs?: number } = {}): Promise<WalkthroughResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const runs = o.runs ?? 3;
  const c = await startUp(NODES, { controlPlane: 'k3s-master' });
  try {
    const times: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const n of NODES) mkdirSync(join(c.dir, 'nodes', n, `mnt/ssd${i}`), { recursive: true });
      kubectlApply(c.kubeconfig, setup(i));
      const b0 = performance.now();
      kubectlApply(c.kubeconfig, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: baseline-${i}}\ndata: {a: b}\n`);
      base.push(performance.now() - b0);
      const files = NODES.map((n) => join(c.dir, 'nodes', n, `mnt/ssd${i}/test.txt`));
      const t0 = performance.now();
      kubectlApply(c.kubeconfig, pod(i));
      const deadline = Date.now() + 30_000;
      while (!files.some(fileHas)) {
        if (Date.now() > deadline) throw new Error(`run ${i}: test.txt not written within 30 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - t0);
    }
    const m = median(times);
    return {
      name: 'walkthrough', runs, apply_to_file_ms: Math.round(m), apply_to_file_ms_all: times.map(Math.round),
      kubectl_apply_configmap_ms: Math.round(median(base)), target_ms: 1000, meets_target: m < 1000,
    };
  } finally {
    await c.stop();
    await c.remove();
  }
}

runMain(import.meta.url, () => runWalkthroughBench({ runs: arg('runs') ? Number(arg('runs')) : undefined }));
