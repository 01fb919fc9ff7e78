// Benchmark: fio inside a pod on a local-path volume vs the same job with the host's fio on the same disk,
// outside any pod, in the same run (`stowage bench fio --host-baseline`). Target: in-pod at least 95 % of
// the host, per job. Starts `bin/stowage up` with one node in a temp dir (building the fio image there
// first). Prints one JSON line {"name":"fio", ...}.
//
//   npx tsx bench/fio.ts            kubestr's default-fio jobs shortened: 64M files, 1 s ramp, 5 s runtime
//   npx tsx bench/fio.ts --full     kubestr's default-fio verbatim (2G files, 2 s ramp, 15 s), PVC 10Gi
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFioImage } from '../src/agent/images/fio-image.js';
import { benchFio } from '../src/benchfio/command.js';
import { BUILTIN_JOBS } from '../src/benchfio/jobs.js';
import { summarize } from '../src/benchfio/result.js';
import { clusterUnavailable, startUp } from './cluster.js';
import { hasFlag, runMain } from './util.js';

export interface FioBenchJob { job: string; dir: string; pod_iops: number; host_iops: number; ratio: number }
export interface FioBenchResult {
  name: 'fio'; job_file: string; storage_class: string;
  jobs: FioBenchJob[];
  /** Largest relative difference between the host's own runs before and after the pod's: the noise floor. */
  host_spread: number;
  mean_ratio: number; min_ratio: number; target_ratio: number; meets_target: boolean;
  elapsed_ms: number; output: string;
}

export function shortDefaultJob(): string {
  return BUILTIN_JOBS['default-fio']!.replace(/^size=2G$/gm, 'size=64M').replace(/^ramp_time=2s$/gm, 'ramp_time=1s').replace(/^runtime=15s$/gm, 'runtime=5s');
}

export async function runFioBench(o: { full?: boolean } = {}): Promise<FioBenchResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const c = await startUp(['node-a'], { before: (dir) => buildFioImage(join(dir, 'images')) });
  try {
    const jobFile = join(c.dir, o.full ? 'default-fio' : 'default-fio-short');
    writeFileSync(jobFile, o.full ? BUILTIN_JOBS['default-fio']! : shortDefaultJob());
    let output = '';
    const { code, runs } = await benchFio({
      storageClass: 'local-path', size: o.full ? '10Gi' : '1Gi', fioFile: jobFile, namespace: 'default', kubeconfig: c.kubeconfig,
      image: 'fio', latency: false, chart: join(c.dir, 'unused.svg'), hostBaseline: true, dataDir: c.dir,
    }, {
      stdout: (s) => { output += s; }, stderr: (s) => process.stderr.write(s), stdoutIsTTY: false, stderrIsTTY: false,
      signal: new AbortController().signal,
    });
    const run = runs[0];
    if (code !== 0 || !run?.run) throw new Error(`bench fio failed: ${run?.error ?? output.trim().slice(-400)}`);
    if (!run.host?.ratios) throw new Error(`host baseline not measured: ${run.host?.skipped ?? 'unknown reason'}`);
    const jobs = run.host.ratios.map((r) => ({ job: r.job, dir: r.dir, pod_iops: Math.round(r.podIops), host_iops: Math.round(r.hostIops), ratio: Math.round(r.iopsRatio * 1000) / 1000 }));
    const [h1, h2] = run.host.results.map((r) => summarize(r));
    const spread = h1 && h2 ? Math.max(...h1.map((a, i) => {
      const b = h2[i]!; const x = a.readIops + a.writeIops, y = b.readIops + b.writeIops;
      return Math.abs(x - y) / ((x + y) / 2 || 1);
    })) : NaN;
    const ratios = jobs.map((j) => j.ratio).filter(Number.isFinite);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const min = Math.min(...ratios);
    return {
      name: 'fio', job_file: o.full ? 'kubestr default-fio' : 'kubestr default-fio, 64M files, 1 s ramp, 5 s runtime', storage_class: 'local-path',
      jobs, host_spread: Math.round(spread * 1000) / 1000, mean_ratio: Math.round(mean * 1000) / 1000, min_ratio: min, target_ratio: 0.95, meets_target: mean >= 0.95,
      elapsed_ms: run.run.elapsedMs, output,
    };
  } finally {
    await c.stop();
    await c.remove();
  }
}

runMain(import.meta.url, () => runFioBench({ full: hasFlag('full') }));
