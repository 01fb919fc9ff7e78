// `--compare`: the table seed 004 makes by hand (one column per StorageClass, the per-second average of
// each job's IOPS or bandwidth), and the in-pod/host ratio table of `--host-baseline`.
import { summarize, type FioResult, type JobSummary } from './result.js';

export interface ClassResult { storageClass: string; result: FioResult }

export interface Metric { label: string; unit: 'IOPS' | 'KiB/s'; values: number[] }

/**
 * Rows in job order: "<job> (avg)" with IOPS for IOPS jobs and bandwidth for *_bw jobs, as in seed 004;
 * a job with both directions (randrw) gets one row per direction.
 */
export function compareMetrics(results: ClassResult[]): Metric[] {
  const perClass = results.map((r) => summarize(r.result));
  const jobs = perClass[0] ?? [];
  const rows: Metric[] = [];
  jobs.forEach((job, i) => {
    const isBw = /bw/i.test(job.name);
    const dirs = (['read', 'write'] as const).filter((d) => (d === 'read' ? job.readIops || job.readBwKiB : job.writeIops || job.writeBwKiB));
    for (const dir of dirs) {
      const pick = (s: JobSummary | undefined) => !s ? NaN : isBw ? (dir === 'read' ? s.readBwAvgKiB : s.writeBwAvgKiB) : (dir === 'read' ? s.readIopsAvg : s.writeIopsAvg);
      rows.push({
        label: dirs.length > 1 ? `${job.name} ${dir} (avg)` : `${job.name} (avg)`,
        unit: isBw ? 'KiB/s' : 'IOPS',
        values: perClass.map((c) => pick(c.find((s) => s.name === job.name) ?? c[i])),
      });
    }
  });
  return rows;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.map(line)].join('\n') + '\n';
}

/** Markdown table: one column per class, six decimals like kubestr's avg= figures. */
export function compareTable(results: ClassResult[]): string {
  const metrics = compareMetrics(results);
  return table(['', ...results.map((r) => r.storageClass)], metrics.map((m) => [`${m.label} ${m.unit}`, ...m.values.map((v) => Number.isFinite(v) ? v.toFixed(6) : 'n/a')]));
}

export interface RatioRow { job: string; dir: 'read' | 'write'; podIops: number; hostIops: number; podBwKiB: number; hostBwKiB: number; iopsRatio: number; bwRatio: number }

/** In-pod result over host result per job and direction (1.0 = no overhead). */
export function hostRatios(pod: FioResult, host: FioResult): RatioRow[] {
  const h = summarize(host);
  const rows: RatioRow[] = [];
  for (const p of summarize(pod)) {
    const q = h.find((s) => s.name === p.name);
    if (!q) continue;
    for (const dir of ['read', 'write'] as const) {
      const podIops = dir === 'read' ? p.readIops : p.writeIops;
      const hostIops = dir === 'read' ? q.readIops : q.writeIops;
      const podBwKiB = dir === 'read' ? p.readBwKiB : p.writeBwKiB;
      const hostBwKiB = dir === 'read' ? q.readBwKiB : q.writeBwKiB;
      if (!podIops && !hostIops) continue;
      rows.push({ job: p.name, dir, podIops, hostIops, podBwKiB, hostBwKiB, iopsRatio: hostIops ? podIops / hostIops : NaN, bwRatio: hostBwKiB ? podBwKiB / hostBwKiB : NaN });
    }
  }
  return rows;
}

export function ratioTable(rows: RatioRow[]): string {
  return table(['job', 'in-pod IOPS', 'host IOPS', 'in-pod/host'], rows.map((r) => [`${r.job} ${r.dir}`, r.podIops.toFixed(1), r.hostIops.toFixed(1), Number.isFinite(r.iopsRatio) ? `${(r.iopsRatio * 100).toFixed(1)}%` : 'n/a']));
}
