// Benchmark: static PV/PVC binding. Creates N PersistentVolumes, then N claims (sizes spread over 1–5 Gi),
// through the in-process client of a real API server on a SQLite datastore in a temp dir, with the storage
// controllers running; measures the time from the last claim created to every claim Bound (target: 10,000
// pairs within 10 s). Prints one JSON line {"name":"pv-binding", ...}.
//
//   npx tsx bench/binding.ts [--n 1000] [--full]     (--full = 10,000 pairs)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiServer } from '../src/apiserver/index.js';
import { openSqliteDatastore } from '../src/datastore/sqlite.js';
import { InformerFactory } from '../src/client/informer.js';
import { R } from '../src/api/gvr.js';
import type { Client } from '../src/client/types.js';
import type { KObject } from '../src/api/object.js';
import { startStorageControllers } from '../src/controllers/storage.js';

export interface BindingBenchResult {
  name: 'pv-binding';
  pairs: number;
  create_pvs_ms: number;
  create_claims_ms: number;
  bind_after_last_claim_ms: number;
  /** CPU time (user + system) this process spent between the last claim created and all Bound: the wall
   *  time above also counts waiting for a CPU when other work shares the machine (see load_avg). */
  bind_cpu_ms: number;
  total_ms: number;
  /** 1-minute load average at the end of the run (2 cores: above ~2 the bench competes for CPU). */
  load_avg: number;
  target_ms: number;
  meets_target: boolean;
}

async function inBatches(n: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_x, j) => fn(i + j)));
}

export async function runBindingBench(opts: { n?: number } = {}): Promise<BindingBenchResult> {
  const n = opts.n ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'stowage-bench-binding-'));
  const datastore = openSqliteDatastore(dir);
  const server = createApiServer({ datastore });
  await server.ready();
  const client: Client = server.client();
  const informers = new InformerFactory(client);
  const controllers = await startStorageControllers({ client, informers });

  // Count Bound claims from a watch (no polling of 10,000-item lists).
  const bound = new Set<string>();
  let allBound: () => void = () => {};
  const done = new Promise<void>((r) => { allBound = r; });
  const watch = client.watch(R.persistentvolumeclaims, 'default', { resourceVersion: '0' }, (ev) => {
    const o = ev.object as KObject & { status?: { phase?: string } };
    if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
    if (o.status?.phase === 'Bound') bound.add(o.metadata.name!); else bound.delete(o.metadata.name!);
    if (bound.size === n) allBound();
  });

  const size = (i: number) => `${1 + (i % 5)}Gi`;
  const t0 = performance.now();
  await inBatches(n, 64, (i) => client.create(R.persistentvolumes, undefined, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `bench-pv-${i}` },
    spec: { capacity: { storage: size(i) }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', hostPath: { path: `/tmp/bench-${i}` } },
  }));
  const t1 = performance.now();
  await inBatches(n, 64, (i) => client.create(R.persistentvolumeclaims, 'default', {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `bench-claim-${i}`, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: size(i) } } },
  }));
  const t2 = performance.now();
  const cpu0 = process.cpuUsage();
  await done;
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  watch.stop();
  controllers.stop();
  informers.stopAll();
  await server.close();
  (datastore as { close?: () => void }).close?.();
  rmSync(dir, { recursive: true, force: true });
  const target = 10_000 * (n / 10_000);
  return {
    name: 'pv-binding', pairs: n,
    create_pvs_ms: Math.round(t1 - t0), create_claims_ms: Math.round(t2 - t1),
    bind_after_last_claim_ms: Math.round(t3 - t2), bind_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    total_ms: Math.round(t3 - t0), load_avg: loadavg()[0]!,
    target_ms: Math.round(target), meets_target: t3 - t2 <= target,
  };
}

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = process.argv.includes('--full') ? 10_000 : Number(arg('n') ?? 1000);
  runBindingBench({ n }).then((r) => { console.log(JSON.stringify(r)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
