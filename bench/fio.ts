// Benchmark: fio inside a pod on a local-path volume vs the same job with the host's fio on the same disk,
// outside any pod, in the same run. Target: in-pod at least 95 % of the host on each of kubestr's four jobs.
// Starts `bin/stowage up` with one node in a temp dir (building the fio image there first). Prints one
// JSON line {"name":"fio", ...}.
//
// This machine's disk (a Firecracker VM's, rate-limited) drifts and jitters: back-to-back host runs of the
// same job lose 20-25 % from the first to the fourth, and after that still differ by 15-45 % run to run.
// A pod run compared with host runs before and after it (`stowage bench fio --host-baseline`) measures that
// noise more than the pod, so the default design here is paired and simultaneous:
//   - one host warm-up run, discarded (it spends the disk's burst credit);
//   - a control round: two host runs of the job at the same moment, their per-job ratio is the noise floor;
//   - ROUNDS rounds of one pod run and one host run at the same moment, each a fresh claim and pod
//     (`runFio`, kubestr's steps). Every job of both fio processes waits in an exec_prerun gate until all
//     eight jobs are ready, then all start together, so both see the same disk at the same time and any
//     cost of the pod's path (CPU, mounts) shows as a smaller share of it. Per job: the mean over rounds
//     of pod IOPS / host IOPS.
// `--sequential` runs the other design for comparison: warm-up, then rounds of host, pod, host.
//
//   npx tsx bench/fio.ts [--rounds 6] [--sequential]   kubestr's default-fio, 64M files, 1 s ramp, 5 s runtime
//   npx tsx bench/fio.ts --full                         kubestr's default-fio verbatim (2G files, 2 s ramp, 15 s), PVC 10Gi
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFioImage } from '../src/agent/images/fio-image.js';
import { HttpClient } from '../src/client/http.js';
import { loadClusterAccess } from '../src/benchfio/kubeconfig.js';
import { benchFio } from '../src/benchfio/command.js';
import { hostRatios } from '../src/benchfio/compare.js';
import { runHostFio } from '../src/benchfio/host.js';
import { BUILTIN_JOBS } from '../src/benchfio/jobs.js';
import { meanResult, summarize, type FioResult } from '../src/benchfio/result.js';
import { runFio } from '../src/benchfio/run.js';
import { clusterUnavailable, startUp, type UpCluster } from './cluster.js';
import { arg, hasFlag, runMain } from './util.js';

export interface FioBenchJob {
  job: string; pod_iops: number; host_iops: number;
  /** Mean over rounds of pod IOPS / host IOPS (paired), or mean pod / mean host (sequential). */
  ratio: number;
  /** The lowest and highest ratio of one round. */
  round_min: number; round_max: number;
}
export interface FioBenchResult {
  name: 'fio'; design: 'paired' | 'sequential'; job_file: string; storage_class: string; rounds: number;
  jobs: FioBenchJob[];
  /** Paired: the largest per-job difference between two host runs at the same moment. Sequential: per job, (max - min) / mean of the host's runs. The noise floor. */
  host_spread: number;
  /** The warm-up run over the mean of the measured host runs (largest over jobs): how much the disk drifted. */
  warmup_over_host: number;
  mean_ratio: number; min_ratio: number; target_ratio: number; meets_target: boolean;
  elapsed_ms: number; output: string;
}

export function shortDefaultJob(): string {
  return BUILTIN_JOBS['default-fio']!.replace(/^size=2G$/gm, 'size=64M').replace(/^ramp_time=2s$/gm, 'ramp_time=1s').replace(/^runtime=15s$/gm, 'runtime=5s');
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** Per job, read + write IOPS. */
const totals = (r: FioResult) => summarize(r).map((j) => ({ job: j.name, iops: j.readIops + j.writeIops }));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The gate every job runs first (exec_prerun): mark itself ready in dir, wait for dir/go. busybox sh is enough. */
const gateScript = (dir: string) => `: > "${dir}/ready.$$"\nwhile [ ! -e "${dir}/go" ]; do sleep 0.01; done\n`;
/** The job file with `exec_prerun=/bin/sh <gate>` for every job (in [global]). */
export function gatedJob(text: string, gate: string): string {
  if (!/^\[global\]$/m.test(text)) return `[global]\nexec_prerun=/bin/sh ${gate}\n${text}`;
  return text.replace(/^\[global\]$/m, `[global]\nexec_prerun=/bin/sh ${gate}`);
}
const jobCount = (text: string) => (text.match(/^\[(?!global\])[^\]]+\]$/gm) ?? []).length;

/** Opens every gate once all of them hold `want` ready jobs (or after timeoutMs, then rejects: nobody may wait forever). */
async function openGates(dirs: string[], want: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = (d: string) => { try { return readdirSync(d).filter((f) => f.startsWith('ready.')).length; } catch { return 0; } };
  let ok = false;
  while (!(ok = dirs.every((d) => ready(d) >= want)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  for (const d of dirs) { try { writeFileSync(join(d, 'go'), ''); } catch { /* gone */ } }
  if (!ok) throw new Error(`fio gates: not every job was ready within ${timeoutMs} ms`);
}

/**
 * The node's local-path directory of this round's kubestr claim (the volume is /dataset in the pod): the one
 * not used by an earlier round (their volumes are deleted in the background).
 */
function claimDir(nodeRoot: string, used: Set<string>): string {
  const base = join(nodeRoot, 'opt/local-path-provisioner');
  const dirs = readdirSync(base).filter((d) => d.includes('_kubestr-fio-pvc-') && !used.has(d));
  if (dirs.length !== 1) throw new Error(`expected one new kubestr claim directory under ${base}, found ${dirs.length}`);
  used.add(dirs[0]!);
  return join(base, dirs[0]!);
}

interface Job { name: string; text: string; full: boolean }

async function pairedRounds(c: UpCluster, job: Job, rounds: number) {
  const nodeRoot = join(c.dir, 'nodes', 'node-a');
  const n = jobCount(job.text);
  // Control: two host runs at the same moment.
  const ctl = [join(c.dir, 'gate-ctl-a'), join(c.dir, 'gate-ctl-b')];
  for (const d of ctl) { mkdirSync(d); writeFileSync(join(d, 'gate'), gateScript(d)); }
  const [ca, cb] = await Promise.all([
    runHostFio(nodeRoot, job.name, gatedJob(job.text, join(ctl[0]!, 'gate'))),
    runHostFio(nodeRoot, job.name, gatedJob(job.text, join(ctl[1]!, 'gate'))),
    openGates(ctl, n),
  ]);
  const [ta, tb] = [totals(ca!), totals(cb!)];
  const spread = Math.max(...ta.map((x, j) => Math.abs(x.iops - tb[j]!.iops) / (((x.iops + tb[j]!.iops) / 2) || 1)));

  const access = loadClusterAccess(c.kubeconfig);
  const client = new HttpClient({ server: access.server, token: access.token, ca: access.ca });
  const pods: FioResult[] = []; const hosts: FioResult[] = [];
  const used = new Set<string>();
  let output = '';
  try {
    for (let i = 0; i < rounds; i++) {
      const hostGate = join(c.dir, `gate-${i}`);
      mkdirSync(hostGate); writeFileSync(join(hostGate, 'gate'), gateScript(hostGate));
      let hostRun: Promise<FioResult> | undefined;
      let gates: Promise<void> | undefined;
      let out = '';
      try {
        const r = await runFio({
          client, access, storageClass: 'local-path', size: job.full ? '10Gi' : '1Gi', namespace: 'default', image: 'fio',
          job: { name: job.name, text: gatedJob(job.text, '/dataset/.gate') },
          out: (l) => { out += l + '\n'; }, progress: (l) => process.stderr.write(l + '\n'),
          beforeFio: async () => {
            const vol = claimDir(nodeRoot, used);
            writeFileSync(join(vol, '.gate'), gateScript('/dataset'));
            hostRun = runHostFio(nodeRoot, job.name, gatedJob(job.text, join(hostGate, 'gate')));
            hostRun.catch(() => {});
            gates = openGates([vol, hostGate], n);
            gates.catch(() => {});
          },
          afterFio: async () => { await gates; hosts.push(await hostRun!); },
        });
        pods.push(r.result);
        if (i === 0) output = out;
      } finally {
        // A pod run that failed must not leave the host's fio waiting at its gate.
        writeFileSync(join(hostGate, 'go'), '');
        await hostRun?.catch(() => {});
      }
    }
  } finally { client.close(); }
  const ratios = pods.map((p, k) => { const hp = totals(hosts[k]!); return totals(p).map((x, j) => x.iops / (hp[j]!.iops || NaN)); });
  const jobs: FioBenchJob[] = totals(pods[0]!).map((x, j) => {
    const mine = ratios.map((r) => r[j]!);
    return { job: x.job, pod_iops: Math.round(mean(pods.map((p) => totals(p)[j]!.iops))), host_iops: Math.round(mean(hosts.map((h) => totals(h)[j]!.iops))),
      ratio: round3(mean(mine)), round_min: round3(Math.min(...mine)), round_max: round3(Math.max(...mine)) };
  });
  return { jobs, spread, hosts, output };
}

async function sequentialRounds(c: UpCluster, job: Job, rounds: number) {
  const jobFile = join(c.dir, job.name);
  writeFileSync(jobFile, job.text);
  const pods: FioResult[] = []; const hosts: FioResult[] = [];
  const perRound: Array<ReturnType<typeof hostRatios>> = [];
  let output = '';
  for (let i = 0; i < rounds; i++) {
    let out = '';
    const { code, runs } = await benchFio({
      storageClass: 'local-path', size: job.full ? '10Gi' : '1Gi', fioFile: jobFile, namespace: 'default', kubeconfig: c.kubeconfig,
      image: 'fio', latency: false, chart: join(c.dir, 'unused.svg'), hostBaseline: true, dataDir: c.dir,
    }, {
      stdout: (s) => { out += s; }, stderr: (s) => process.stderr.write(s), stdoutIsTTY: false, stderrIsTTY: false,
      signal: new AbortController().signal,
    });
    const run = runs[0];
    if (code !== 0 || !run?.run) throw new Error(`bench fio failed: ${run?.error ?? out.trim().slice(-400)}`);
    if (!run.host?.ratios) throw new Error(`host baseline not measured: ${run.host?.skipped ?? 'unknown reason'}`);
    pods.push(run.run.result); hosts.push(...run.host.results); perRound.push(run.host.ratios);
    if (i === 0) output = out;
  }
  const overall = hostRatios(meanResult(pods), meanResult(hosts));
  const jobs: FioBenchJob[] = overall.map((r) => {
    const mine = perRound.map((rows) => rows.find((x) => x.job === r.job && x.dir === r.dir)?.iopsRatio ?? NaN);
    return { job: r.job, pod_iops: Math.round(r.podIops), host_iops: Math.round(r.hostIops), ratio: round3(r.iopsRatio), round_min: round3(Math.min(...mine)), round_max: round3(Math.max(...mine)) };
  });
  const spread = Math.max(...totals(hosts[0]!).map((_x, j) => {
    const v = hosts.map((h) => totals(h)[j]!.iops);
    return (Math.max(...v) - Math.min(...v)) / (mean(v) || 1);
  }));
  return { jobs, spread, hosts, output };
}

export async function runFioBench(o: { full?: boolean; rounds?: number; sequential?: boolean } = {}): Promise<FioBenchResult> {
  const why = clusterUnavailable();
  if (why) throw new Error(why);
  const rounds = Math.max(1, o.rounds ?? (o.sequential ? 3 : 6));
  const t0 = performance.now();
  const c = await startUp(['node-a'], { before: (dir) => buildFioImage(join(dir, 'images')) });
  try {
    const job: Job = { name: o.full ? 'default-fio' : 'default-fio-short', text: o.full ? BUILTIN_JOBS['default-fio']! : shortDefaultJob(), full: !!o.full };
    process.stderr.write('bench fio: host warm-up run (discarded)\n');
    const warmup = await runHostFio(join(c.dir, 'nodes', 'node-a'), job.name, job.text);
    const r = o.sequential ? await sequentialRounds(c, job, rounds) : await pairedRounds(c, job, rounds);
    const meanHost = totals(meanResult(r.hosts));
    const warm = totals(warmup).map((w, j) => w.iops / (meanHost[j]!.iops || 1));
    const ratios = r.jobs.map((j) => j.ratio).filter(Number.isFinite);
    const min = Math.min(...ratios);
    return {
      name: 'fio', design: o.sequential ? 'sequential' : 'paired',
      job_file: o.full ? 'kubestr default-fio' : 'kubestr default-fio, 64M files, 1 s ramp, 5 s runtime', storage_class: 'local-path', rounds,
      jobs: r.jobs, host_spread: round3(r.spread), warmup_over_host: round3(Math.max(...warm)),
      mean_ratio: round3(mean(ratios)), min_ratio: min, target_ratio: 0.95, meets_target: ratios.length === r.jobs.length && r.jobs.length > 0 && min >= 0.95,
      elapsed_ms: Math.round(performance.now() - t0), output: r.output,
    };
  } finally {
    await c.stop();
    await c.remove();
  }
}

runMain(import.meta.url, () => runFioBench({ full: hasFlag('full'), sequential: hasFlag('sequential'), rounds: arg('rounds') ? Number(arg('rounds')) : undefined }));
