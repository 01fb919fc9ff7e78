// Benchmark: scheduler throughput. Creates 100 simulated nodes (objects only) and N pending pods (default
// 1000) through the in-process client of a real API server (memory or SQLite datastore), then starts the
// scheduler and measures until every pod is bound (target: >= 500 pods/s). Prints one JSON line
// {"name":"scheduling", ...}.
//
//   npx tsx bench/scheduling.ts [--n 1000] [--nodes 100] [--datastore memory|sqlite]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiServer } from '../src/apiserver/index.js';
import { createMemoryDatastore } from '../src/datastore/memory.js';
import { openSqliteDatastore } from '../src/datastore/sqlite.js';
import { InformerFactory } from '../src/client/informer.js';
import { R } from '../src/api/gvr.js';
import { startScheduler } from '../src/scheduler/index.js';
import { node, pod } from '../src/scheduler/testing/fixtures.js';
import type { Pod } from '../src/util/types.js';

export interface SchedulingBenchResult {
  name: 'scheduling'; pods: number; nodes: number; datastore: string;
  create_pods_ms: number; schedule_ms: number; pods_per_second: number; target_pods_per_second: number; meets_target: boolean;
  max_pods_per_node: number; min_pods_per_node: number;
}

async function inBatches(n: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_x, j) => fn(i + j)));
}

export async function runSchedulingBench(o: { n?: number; nodes?: number; datastore?: 'memory' | 'sqlite' } = {}): Promise<SchedulingBenchResult> {
  const n = o.n ?? 1000, nodes = o.nodes ?? 100, kind = o.datastore ?? 'memory';
  const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'stowage-bench-sched-')) : undefined;
  const server = createApiServer({ datastore: dir ? openSqliteDatastore(dir) : createMemoryDatastore() });
  await server.ready();
  const client = server.client();
  const informers = new InformerFactory(client);
  try {
    await inBatches(nodes, 50, (i) => client.create(R.nodes, undefined, node(`node-${i}`, { cpu: '32', memory: '128Gi', pods: '250' })));
    const t0 = performance.now();
    await inBatches(n, 100, (i) => client.create(R.pods, 'default', pod(`p-${i}`, { cpu: '10m', memory: '16Mi' })));
    const created = performance.now();
    const perNode = new Map<string, number>();
    let bound = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => { resolveDone = r; });
    const podInf = informers.for<Pod>(R.pods);
    podInf.addEventHandler({
      onUpdate: (old, p) => {
        if (!old.spec.nodeName && p.spec.nodeName) {
          perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
          if (++bound === n) resolveDone();
        }
      },
    });
    const start = performance.now();
    const s = await startScheduler({ client, informers });
    await done;
    const end = performance.now();
    s.stop();
    const scheduleMs = end - start;
    const pps = Math.round((n / scheduleMs) * 1000);
    return {
      name: 'scheduling', pods: n, nodes, datastore: kind, create_pods_ms: Math.round(created - t0), schedule_ms: Math.round(scheduleMs),
      pods_per_second: pps, target_pods_per_second: 500, meets_target: pps >= 500,
      max_pods_per_node: Math.max(...perNode.values()), min_pods_per_node: Math.min(...perNode.values()),
    };
  } finally {
    informers.stopAll();
    await server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (k: string) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };
  const r = await runSchedulingBench({ n: Number(arg('--n') ?? 1000), nodes: Number(arg('--nodes') ?? 100), datastore: (arg('--datastore') as 'memory' | 'sqlite') ?? 'memory' });
  console.log(JSON.stringify(r));
  process.exit(0);
}
