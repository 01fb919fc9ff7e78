// fio's JSON output (the fields kubestr reads, plus completion-latency percentiles) and kubestr's
// printed form of it, byte for byte.
// Upstream: kastenhq/kubestr pkg/fio/fio_types.go (FioResult.Print and friends), pkg/kubestr/utils.go

export interface FioStats {
  io_bytes?: number; bw?: number; iops?: number; runtime?: number; total_ios?: number;
  bw_min?: number; bw_max?: number; bw_mean?: number; iops_min?: number; iops_max?: number; iops_mean?: number;
  clat_ns?: { min?: number; max?: number; mean?: number; N?: number; percentile?: Record<string, number> };
}

export interface FioJob {
  jobname?: string; error?: number;
  'job options'?: { name?: string; bs?: string; iodepth?: string; size?: string; rw?: string; ramp_time?: string; runtime?: string };
  read?: FioStats; write?: FioStats;
}

export interface FioDiskUtil {
  name?: string; read_ios?: number; write_ios?: number; read_merges?: number; write_merges?: number;
  read_ticks?: number; write_ticks?: number; in_queue?: number; util?: number;
}

export interface FioResult {
  'fio version'?: string;
  'global options'?: Record<string, string>;
  jobs?: FioJob[];
  disk_util?: FioDiskUtil[];
}

/**
 * fio's stdout as JSON. fio may print notes before the document ("note: both iodepth >= 1 and
 * synchronous I/O engine ..."), which broke kubestr on some backends (kubestr #74): start at the first
 * line that opens the object.
 */
export function parseFioOutput(stdout: string): FioResult {
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`Unable to parse fio output into json.: no JSON object in fio output: ${stdout.slice(0, 200)}`);
  try { return JSON.parse(stdout.slice(start)) as FioResult; }
  catch (e) { throw new Error(`Unable to parse fio output into json.: ${(e as Error).message}`); }
}

// Go's %d of an int field and %f of a float32 field (6 decimals of the float32 value).
const d = (n: number | undefined): string => String(Math.trunc(n ?? 0));
const f32 = (n: number | undefined): string => Math.fround(n ?? 0).toFixed(6);

function statsLines(s: FioStats): string {
  return `  IOPS=${f32(s.iops)} BW(KiB/s)=${d(s.bw)}\n`
    + `  iops: min=${d(s.iops_min)} max=${d(s.iops_max)} avg=${f32(s.iops_mean)}\n`
    + `  bw(KiB/s): min=${d(s.bw_min)} max=${d(s.bw_max)} avg=${f32(s.bw_mean)}`;
}

function jobText(j: FioJob): string {
  const o = j['job options'] ?? {};
  let out = `JobName: ${o.name ?? ''}\n  blocksize=${o.bs ?? ''} filesize=${o.size ?? ''} iodepth=${o.iodepth ?? ''} rw=${o.rw ?? ''}\n`;
  if (j.read && (j.read.iops || j.read.bw)) out += `read:\n${statsLines(j.read)}\n`;
  if (j.write && (j.write.iops || j.write.bw)) out += `write:\n${statsLines(j.write)}\n`;
  return out;
}

function diskText(u: FioDiskUtil): string {
  return `  ${u.name ?? ''}: ios=${d(u.read_ios)}/${d(u.write_ios)} merge=${d(u.read_merges)}/${d(u.write_merges)} ticks=${d(u.read_ticks)}/${d(u.write_ticks)} in_queue=${d(u.in_queue)}, util=${f32(u.util)}%`;
}

/** FioResult.Print(). */
export function kubestrResultText(r: FioResult): string {
  const g = r['global options'] ?? {};
  let out = `FIO version - ${r['fio version'] ?? ''}\n`;
  out += `Global options - ioengine=${g.ioengine ?? ''} verify=${g.verify ?? ''} direct=${g.direct ?? ''} gtod_reduce=${g.gtod_reduce ?? ''}\n\n`;
  for (const j of r.jobs ?? []) out += `${jobText(j)}\n`;
  out += 'Disk stats (read/write):\n';
  for (const u of r.disk_util ?? []) out += `${diskText(u)}\n`;
  return out;
}

const GREEN = '\x1b[1;32m%s\x1b[0m';
const RED = '\x1b[1;31m%s\x1b[0m';

/** TestOutput.Print() of "FIO test results": the message under a two-space prefix, then "  -  OK" or "  -  Error". */
export function kubestrTestOutput(message: string, ok: boolean, color: boolean): string {
  const word = ok ? 'OK' : 'Error';
  const status = color ? (ok ? GREEN : RED).replace('%s', word) : word;
  return `FIO test results:\n  ${message}  -  ${status}\n`;
}

/** What `-o json` prints: kubestr's []*TestOutput, indented with four spaces. */
export function kubestrJson(message: string, ok: boolean, raw: unknown): string {
  return JSON.stringify([{ TestName: 'FIO test results', Status: [{ StatusCode: ok ? 'OK' : 'Error', StatusMessage: message }], Raw: raw ?? null }], null, 4);
}

/** Go's time.Duration.String() for "Elapsed time- 50.962663209s". */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const frac = (v: number, digits: number): string => {
    const whole = Math.floor(v / 10 ** digits);
    const rest = String(v % 10 ** digits).padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1e6) return `${frac(ns, 3)}µs`;
  if (ns < 1e9) return `${frac(ns, 6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  const s = frac(ns % 6e10, 9) + 's';
  return (h ? `${h}h${m}m` : m ? `${m}m` : '') + s;
}

// ---- beyond kubestr -----------------------------------------------------------------------------

export interface JobSummary {
  name: string;
  readIops: number; writeIops: number; readBwKiB: number; writeBwKiB: number;
  /** avg of the per-second samples, which is what seed 004's comparison table uses */
  readIopsAvg: number; writeIopsAvg: number; readBwAvgKiB: number; writeBwAvgKiB: number;
}

export function summarize(r: FioResult): JobSummary[] {
  return (r.jobs ?? []).map((j) => ({
    name: j['job options']?.name ?? j.jobname ?? '',
    readIops: j.read?.iops ?? 0, writeIops: j.write?.iops ?? 0,
    readBwKiB: j.read?.bw ?? 0, writeBwKiB: j.write?.bw ?? 0,
    readIopsAvg: j.read?.iops_mean ?? 0, writeIopsAvg: j.write?.iops_mean ?? 0,
    readBwAvgKiB: j.read?.bw_mean ?? 0, writeBwAvgKiB: j.write?.bw_mean ?? 0,
  }));
}

/** Job-by-job mean of the IOPS and bandwidth figures of several runs of the same job file. */
export function meanResult(rs: FioResult[]): FioResult {
  const out = structuredClone(rs[0] ?? {});
  const keys = ['iops', 'bw', 'iops_mean', 'bw_mean'] as const;
  (out.jobs ?? []).forEach((j, i) => {
    for (const dir of ['read', 'write'] as const) {
      const s = j[dir];
      if (!s) continue;
      for (const k of keys) s[k] = rs.reduce((sum, r) => sum + (r.jobs?.[i]?.[dir]?.[k] ?? 0), 0) / rs.length;
    }
  });
  return out;
}

export interface LatencyRow { job: string; dir: 'read' | 'write'; p50us: number; p95us: number; p99us: number }

/** Completion-latency percentiles per job and direction, from a run without gtod_reduce. */
export function latencyPercentiles(r: FioResult): LatencyRow[] {
  const rows: LatencyRow[] = [];
  for (const j of r.jobs ?? []) {
    for (const dir of ['read', 'write'] as const) {
      const s = j[dir];
      const p = s?.clat_ns?.percentile;
      if (!s || !p || !(s.total_ios ?? 0)) continue;
      const at = (k: string) => (p[k] ?? 0) / 1000;
      rows.push({ job: j['job options']?.name ?? j.jobname ?? '', dir, p50us: at('50.000000'), p95us: at('95.000000'), p99us: at('99.000000') });
    }
  }
  return rows;
}

export function latencyText(rows: LatencyRow[]): string {
  if (rows.length === 0) return 'Completion latency (clat): not reported by fio for this job\n';
  let out = 'Completion latency (clat, beyond kubestr; second pass without gtod_reduce):\n';
  for (const r of rows) out += `  ${r.job} ${r.dir}: p50=${r.p50us.toFixed(1)}us p95=${r.p95us.toFixed(1)}us p99=${r.p99us.toFixed(1)}us\n`;
  return out;
}
