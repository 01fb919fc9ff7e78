// `stowage bench fio`: kubestr's fio command, plus --compare, --host-baseline and --latency. This module
// holds the flow; src/cli/bench.ts only parses flags. Exit codes: 0 ok, 1 failed, 130 interrupted.
import { writeFile } from 'node:fs/promises';
import { HttpClient } from '../client/http.js';
import { compareChartSvg } from './chart.js';
import { compareMetrics, compareTable, hostRatios, ratioTable, type ClassResult, type RatioRow } from './compare.js';
import { runHostFio, locateNodeRoot } from './host.js';
import { selectJobFile } from './jobs.js';
import { loadClusterAccess } from './kubeconfig.js';
import { kubestrJson, kubestrResultText, kubestrTestOutput, latencyPercentiles, latencyText, meanResult, type FioResult } from './result.js';
import { runFio, type FioRunResult } from './run.js';

export interface BenchFioOptions {
  storageClass?: string;
  size: string;
  fioFile?: string;
  testName?: string;
  nodeSelector?: Record<string, string>;
  namespace: string;
  output?: string;
  outfile?: string;
  kubeconfig: string;
  image: string;
  latency: boolean;
  compare?: string[];
  chart: string;
  hostBaseline: boolean;
  dataDir?: string;
}

export interface BenchIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  signal: AbortSignal;
}

/** The host runs just before and just after the pod's run; ratios are against their mean (load drifts). */
export interface HostBaseline { node: string; results: FioResult[]; ratios?: RatioRow[]; skipped?: string }

export interface ClassRun { storageClass: string; run?: FioRunResult; host?: HostBaseline; error?: string }

/** "k=v,k2=v2" (kubestr's -N) to a map. */
export function parseNodeSelector(s: string | undefined): Record<string, string> | undefined {
  if (!s) return undefined;
  const m: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`invalid node selector "${part}": want key=value`);
    m[part.slice(0, i)] = part.slice(i + 1);
  }
  return m;
}

export async function benchFio(o: BenchFioOptions, io: BenchIO): Promise<{ code: number; runs: ClassRun[] }> {
  const classes = o.compare?.length ? o.compare : o.storageClass ? [o.storageClass] : [];
  if (classes.length === 0) { io.stderr('Error: required flag(s) "storageclass" not set\n'); return { code: 1, runs: [] }; }
  const json = o.output === 'json';
  const access = loadClusterAccess(o.kubeconfig);
  const client = new HttpClient({ server: access.server, token: access.token, ca: access.ca, insecure: access.insecure, userAgent: 'stowage-bench-fio' });
  const runs: ClassRun[] = [];
  try {
    const job = await selectJobFile({ fioFile: o.fioFile, testName: o.testName });
    for (const storageClass of classes) {
      if (io.signal.aborted) break;
      const entry: ClassRun = { storageClass };
      runs.push(entry);
      let spinnerShown = false;
      try {
        entry.run = await runFio({
          client, access, storageClass, size: o.size, namespace: o.namespace, nodeSelector: o.nodeSelector, job, image: o.image,
          latency: o.latency, signal: io.signal,
          out: (l) => { if (!json) io.stdout(l + '\n'); },
          progress: (l) => io.stderr(l + '\n'),
          tick: (ms) => {
            const s = Math.round(ms / 1000);
            if (io.stderrIsTTY) { spinnerShown = true; io.stderr(`\r${'|/-\\'[s % 4]} fio running in the pod: ${s}s `); }
            else if (s % 10 === 0) io.stderr(`fio running in the pod: ${s}s\n`);
          },
          beforeFio: o.hostBaseline ? async (node) => { entry.host = await hostBaseline(access, node, o.dataDir, job.name, job.text, io, 'before'); } : undefined,
          afterFio: o.hostBaseline ? async (node) => {
            if (spinnerShown) io.stderr('\r\x1b[K');
            if (entry.host && !entry.host.skipped) {
              const again = await hostBaseline(access, node, o.dataDir, job.name, job.text, io, 'after');
              if (again.skipped) entry.host.skipped = again.skipped; else entry.host.results.push(...again.results);
            }
          } : undefined,
        });
        if (spinnerShown) io.stderr('\r\x1b[K');
      } catch (e) {
        if (spinnerShown) io.stderr('\r\x1b[K');
        if (io.signal.aborted) break;
        entry.error = (e as Error).message;
      }
    }
  } catch (e) {
    runs.push({ storageClass: classes[0]!, error: (e as Error).message });
  } finally {
    client.close();
  }

  if (io.signal.aborted) { io.stderr('Interrupted: the benchmark pod, PVC and ConfigMap were deleted.\n'); return { code: 130, runs }; }
  withRatios(runs);

  for (const r of runs) {
    if (json) continue;
    if (runs.length > 1) io.stdout(`\n== StorageClass ${r.storageClass} ==\n`);
    if (r.error || !r.run) { io.stdout(kubestrTestOutput(r.error ?? 'no result', false, io.stdoutIsTTY)); continue; }
    io.stdout(kubestrTestOutput('\n' + kubestrResultText(r.run.result), true, io.stdoutIsTTY));
    if (r.run.latency) io.stdout('\n' + latencyText(latencyPercentiles(r.run.latency)));
    if (r.host) {
      if (r.host.skipped) io.stdout(`\nHost baseline: not measured: ${r.host.skipped}\n`);
      else if (r.host.ratios) io.stdout(`\nHost baseline (the same job with the host's fio on node ${r.host.node}'s disk, outside any pod; mean of ${r.host.results.length} runs around the pod's):\n${ratioTable(r.host.ratios)}`);
    }
  }
  const ok = runs.filter((r): r is ClassRun & { run: FioRunResult } => !!r.run);
  if (o.compare?.length && ok.length > 0) {
    const results: ClassResult[] = ok.map((r) => ({ storageClass: r.storageClass, result: r.run.result }));
    await writeFile(o.chart, compareChartSvg(results.map((r) => r.storageClass), compareMetrics(results)));
    if (!json) io.stdout(`\nComparison (average of fio's per-second samples):\n${compareTable(results)}Chart written to ${o.chart}\n`);
  }
  if (json) {
    const payload = runs.map((r) => r.run
      ? JSON.parse(kubestrJson('\n' + kubestrResultText(r.run.result), true, { ...r.run.raw, latency: r.run.latency ? latencyPercentiles(r.run.latency) : undefined, hostBaseline: r.host }))[0]
      : JSON.parse(kubestrJson(r.error ?? 'no result', false, null))[0]);
    const text = JSON.stringify(payload, null, 4);
    if (o.outfile) await writeFile(o.outfile, text, { mode: 0o666 }); else io.stdout(text + '\n');
  }
  return { code: runs.length > 0 && runs.every((r) => r.run) ? 0 : 1, runs };
}

async function hostBaseline(access: ReturnType<typeof loadClusterAccess>, node: string, dataDir: string | undefined, jobName: string, jobText: string, io: BenchIO, when: 'before' | 'after'): Promise<HostBaseline> {
  const where = locateNodeRoot(access, node, dataDir);
  if ('skip' in where) { io.stderr(`Host baseline skipped: ${where.skip}\n`); return { node, results: [], skipped: where.skip }; }
  io.stderr(`Running the same job with the host's fio under ${where.root} (host baseline, ${when} the pod's run)\n`);
  try {
    return { node, results: [await runHostFio(where.root, jobName, jobText, io.signal)] };
  } catch (e) {
    if (io.signal.aborted) throw e;
    return { node, results: [], skipped: `host fio failed: ${(e as Error).message}` };
  }
}

/** Fills in the in-pod/host ratios once every run is done. */
export function withRatios(runs: ClassRun[]): ClassRun[] {
  for (const r of runs) if (r.run && r.host && !r.host.skipped && r.host.results.length) r.host.ratios = hostRatios(r.run.result, meanResult(r.host.results));
  return runs;
}
