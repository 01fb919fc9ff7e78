// Benchmark: `bin/stowage up` with 3 nodes, from spawn to DIR/kubeconfig written (which `up` does once every
// node is Ready; target under 1 s), and the idle RSS of that process plus its children 5 s later (target
// under 150 MB). Same-run baseline: a bare `node` process that starts an HTTPS server and idles.
// Prints one JSON line {"name":"startup", ...}.
//
//   npx tsx bench/startup.ts [--runs 3]
import { spawn } from 'node:child_process';
import { arg, median, runMain } from './util.js';
import { clusterUnavailable, startUp, treeRssKiB } from './cluster.js';

export interface StartupBenchResult {
  name: 'startup'; runs: number;
  up_ready_ms: number; up_ready_ms_all: number[]; target_ready_ms: number; ready_meets_target: boolean;
  idle_rss_mb: number; target_rss_mb: number; rss_meets_target: boolean;
  shutdown_ms: number;
  bare_node_start_ms: number; bare_node_rss_mb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bare Node.js process: start, listen on HTTPS, print "up"; time to "up" and RSS after 5 s idle. */
async function bareNode(): Promise<{ ms: number; rssMb: number }> {
  const code = `const https=require('node:https');const s=https.createServer({});s.listen(0,'127.0.0.1',()=>console.log('up'));`;
  const t0 = performance.now();
  const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => p.stdout!.once('data', () => r()));
  const ms = performance.now() - t0;
  await sleep(5000);
  const rssMb = treeRssKiB(p.pid!) / 1024;
  p.kill('SIGKILL');
  return { ms, rssMb };
}

export async function runStartupBench(o: { runs?: number } = {}): Promise<StartupBenchResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const runs = o.runs ?? 3;
  const ready: number[] = [];
  let rssMb = NaN, shutdownMs = NaN;
  for (let i = 0; i < runs; i++) {
    const c = await startUp(['node-a', 'node-b', 'node-c']);
    ready.push(c.readyMs);
    if (i === runs - 1) {
      await sleep(5000);
      rssMb = treeRssKiB(c.proc.pid!) / 1024;
    }
    const t0 = performance.now();
    await c.stop();
    if (i === runs - 1) shutdownMs = performance.now() - t0;
    await c.remove();
  }
  const bare = await bareNode();
  const readyMs = median(ready);
  return {
    name: 'startup', runs,
    up_ready_ms: Math.round(readyMs), up_ready_ms_all: ready.map(Math.round), target_ready_ms: 1000, ready_meets_target: readyMs < 1000,
    idle_rss_mb: Math.round(rssMb * 10) / 10, target_rss_mb: 150, rss_meets_target: rssMb < 150,
    shutdown_ms: Math.round(shutdownMs),
    bare_node_start_ms: Math.round(bare.ms), bare_node_rss_mb: Math.round(bare.rssMb * 10) / 10,
  };
}

runMain(import.meta.url, () => runStartupBench({ runs: arg('runs') ? Number(arg('runs')) : undefined }));
