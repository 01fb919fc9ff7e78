// Benchmark: pod start on a node agent. A pod with a bound local PersistentVolume, created with
// spec.nodeName set, timed from the create call to the agent reporting phase Running (the sandbox is
// up: overlay root, bind mounts, bwrap). Target < 200 ms. Runs an in-process API server (memory
// datastore) and one agent; PV/PVC are bound by writing their status directly (no binder needed).
// Prints one JSON line {"name":"pod-start", ...}.
//
//   npx tsx bench/podstart.ts [--n 20] [--no-pod-namespaces]   (the latter: pods in the node's network,
//   to measure what the pod's own network/IPC namespaces cost)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { R } from '../src/api/gvr.js';
import type { KObject } from '../src/api/object.js';
import { startTestCluster } from '../src/agent/testing/cluster.js';

export interface PodStartResult { name: 'pod-start'; pods: number; median_ms: number; p90_ms: number; max_ms: number; target_ms: number; meets_target: boolean }

export async function benchPodStart(n = 20, o: { podNamespaces?: boolean } = {}): Promise<PodStartResult> {
  const c = await startTestCluster(o.podNamespaces === false ? { podNamespaces: false } : {});
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const name = `bench-${i}`;
      mkdirSync(path.join(c.nodeRoot, 'mnt/disks', name), { recursive: true });
      await c.client.create(R.persistentvolumes, undefined, {
        apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'local', local: { path: `/mnt/disks/${name}` },
          claimRef: { namespace: 'default', name },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } } },
      });
      await c.client.create(R.persistentvolumeclaims, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', volumeName: name, resources: { requests: { storage: '1Gi' } } } });
      await c.client.patch(R.persistentvolumes, undefined, name, 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
      await c.client.patch(R.persistentvolumeclaims, 'default', name, 'merge', { status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, { subresource: 'status' });
      const t0 = performance.now();
      const running = new Promise<void>((resolve) => {
        const w = c.client.watch<KObject & { status?: { phase?: string } }>(R.pods, 'default', { fieldSelector: `metadata.name=${name}` }, (ev) => {
          if (ev.object.status?.phase === 'Running') { w.stop(); resolve(); }
        });
      });
      await c.client.create(R.pods, 'default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
        spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo ok > /data/f; sleep 3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }] },
      });
      await running;
      times.push(performance.now() - t0);
    }
  } finally { await c.close(); }
  times.sort((a, b) => a - b);
  const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]!);
  return { name: 'pod-start', pods: n, median_ms: q(0.5), p90_ms: q(0.9), max_ms: Math.round(times[times.length - 1]!), target_ms: 200, meets_target: q(0.5) < 200 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--n');
  benchPodStart(i > 0 ? Number(process.argv[i + 1]) : 20, { podNamespaces: !process.argv.includes('--no-pod-namespaces') }).then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
