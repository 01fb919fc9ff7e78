// Turns the benchmark results into BENCHMARKS.md: one row per target of DESIGN.md "Performance targets"
// with the measured value, the same-run baseline, the target and met / not met, then the machine, the
// command, every benchmark's raw JSON, and the reason for anything not measured.
import type { MachineInfo } from './machine.js';

/** What bench/run.ts knows about one benchmark: its JSON line, or why there is none. */
export interface BenchOutcome { id: string; command: string; ms: number; result?: Record<string, unknown>; skipped?: string }

export interface TargetRow { target: string; measured: string; baseline: string; goal: string; met: string; source: string }

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : 'n/a');
const yes = (b: unknown) => (b === true ? 'met' : b === false ? 'not met' : 'n/a');

function notMeasured(o: BenchOutcome | undefined, id: string): string {
  return `not measured: ${o?.skipped ?? `bench/${id}.ts did not run`}`;
}

export function targetRows(byId: Map<string, BenchOutcome>): TargetRow[] {
  const rows: TargetRow[] = [];
  const row = (target: string, id: string, goal: string, f: (r: Record<string, unknown>) => Omit<TargetRow, 'target' | 'goal' | 'source'>) => {
    const o = byId.get(id);
    if (!o?.result) { rows.push({ target, goal, measured: notMeasured(o, id), baseline: '', met: 'not measured', source: `bench/${id}.ts` }); return; }
    rows.push({ target, goal, source: `bench/${id}.ts`, ...f(o.result) });
  };
  row('`up` (3 nodes) to every node Ready', 'startup', '< 1 s', (r) => ({
    measured: `${fmt(num(r.up_ready_ms))} ms (median of ${r.runs})`, baseline: `bare \`node\` + HTTPS listen: ${fmt(num(r.bare_node_start_ms))} ms`, met: yes(r.ready_meets_target) }));
  row('Idle 3-node cluster RSS (process + children, 5 s after ready)', 'startup', '< 150 MB', (r) => ({
    measured: `${fmt(num(r.idle_rss_mb), 1)} MB`, baseline: `bare idle \`node\`: ${fmt(num(r.bare_node_rss_mb), 1)} MB`, met: yes(r.rss_meets_target) }));
  row('Seed 001 walkthrough: `kubectl apply` of the pod to the file written on the node', 'walkthrough', '< 1 s', (r) => ({
    measured: `${fmt(num(r.apply_to_file_ms))} ms (median of ${r.runs})`, baseline: `\`kubectl apply\` of a ConfigMap: ${fmt(num(r.kubectl_apply_configmap_ms))} ms`, met: yes(r.meets_target) }));
  row('Static PV/PVC pairs all Bound', 'binding', '10,000 within 10 s', (r) => {
    const full = num(r.pairs) >= 10_000;
    return { measured: `${fmt(num(r.pairs))} pairs: Bound ${fmt(num(r.bind_after_last_claim_ms))} ms after the last claim (${fmt(num(r.total_ms))} ms from the first create)`,
      baseline: `${fmt(num(r.target_ms))} ms budget at this size`, met: full ? yes(r.meets_target) : `${yes(r.meets_target)} at ${fmt(num(r.pairs))} pairs (pro rata; \`--full\` runs 10,000)` };
  });
  row('Dynamically provisioned local-path PVCs with pods all Running', 'provisioning', '1,000 within 60 s', (r) => {
    const full = num(r.claims) >= 1000;
    const all = (k: unknown, ms: unknown, what: string) => (num(k) >= num(r.claims) ? `all ${what} in ${fmt(num(ms))} ms` : `only ${fmt(num(k))} ${what} after ${fmt(num(ms))} ms`);
    const restarts = r.restarts === undefined ? '' : `, ${fmt(num(r.restarts))} container restarts`;
    return { measured: `${fmt(num(r.claims))} claims + pods on ${r.nodes} nodes: ${all(r.running, r.all_running_ms, 'Running')} (${all(r.bound, r.all_bound_ms, 'Bound')}${restarts})`,
      baseline: `${fmt(num(r.claims))} pods without volumes: ${all(r.baseline_running, r.baseline_pods_without_volumes_running_ms, 'Running')}`,
      met: full ? yes(r.meets_target) : `${yes(r.meets_target)} at ${fmt(num(r.claims))} (pro rata ${fmt(num(r.target_ms))} ms; \`--full\` runs 1,000)` };
  });
  row('GET by name over HTTPS', 'api', '≥ 40 % of a bare Node.js HTTPS server', (r) => ({
    measured: `${fmt(num(r.get_per_s))} req/s (${r.get_concurrency} concurrent, keep-alive) = ${pct(num(r.get_ratio))}`, baseline: `bare node:https, same bytes: ${fmt(num(r.bare_get_per_s))} req/s`, met: yes(r.get_meets_target) }));
  row('LIST of 10,000 PVs over HTTPS', 'api', '< 300 ms', (r) => ({
    measured: `${fmt(num(r.list_ms), 1)} ms for ${fmt(num(r.list_items))} PVs (${fmt(num(r.list_bytes) / 2 ** 20, 1)} MiB, median of 5)`, baseline: '', met: num(r.list_items) >= 10_000 ? yes(r.list_meets_target) : `n/a (${fmt(num(r.list_items))} PVs)` }));
  row('Writes vs the datastore\'s own commit rate', 'datastore', '≥ 50 %', (r) => ({
    measured: `${fmt(num(r.backend_creates_per_s))} creates/s = ${pct(num(r.ratio))}`, baseline: `raw better-sqlite3 inserts: ${fmt(num(r.raw_inserts_per_s))}/s`, met: yes(r.meets_target) }));
  row('fio in a pod on local-path vs fio on the same disk outside', 'fio', '≥ 95 % on each of the 4 jobs', (r) => {
    const jobs = (r.jobs as { job: string; host_iops: number; ratio: number; round_min: number; round_max: number }[] | undefined) ?? [];
    const paired = r.design === 'paired';
    const perJob = jobs.map((j) => `${j.job} ${pct(j.ratio)} (rounds ${pct(j.round_min)}–${pct(j.round_max)})`).join(', ');
    return {
      measured: paired
        ? `${perJob}: mean over ${r.rounds} rounds of a pod run and a host run started together; two host runs started together differ by up to ${pct(num(r.host_spread))}`
        : `${perJob}: mean of ${r.rounds} pod runs over the mean of the host runs around them; the host's own runs differ by up to ${pct(num(r.host_spread))}`,
      baseline: `host fio on the same disk, ${paired ? `${r.rounds} runs, each beside a pod run` : `${2 * num(r.rounds)} runs, one before and one after each pod run`}, after a discarded warm-up at ${pct(num(r.warmup_over_host))} of their mean: ${jobs.map((j) => `${j.job} ${fmt(j.host_iops)}`).join(', ')} IOPS`,
      met: yes(r.meets_target),
    };
  });
  return rows;
}

function extraRows(byId: Map<string, BenchOutcome>): string[] {
  const out: string[] = [];
  const s = byId.get('scheduling')?.result;
  if (s) out.push(`| Scheduler throughput (${fmt(num(s.pods))} pods, ${fmt(num(s.nodes))} nodes) | ${fmt(num(s.pods_per_second))} pods/s | ≥ ${fmt(num(s.target_pods_per_second))} pods/s | ${yes(s.meets_target)} | bench/scheduling.ts |`);
  const p = byId.get('podstart')?.result;
  if (p) out.push(`| Pod start on one agent (${fmt(num(p.pods))} pods) | median ${fmt(num(p.median_ms))} ms, p90 ${fmt(num(p.p90_ms))} ms | < ${fmt(num(p.target_ms))} ms | ${yes(p.meets_target)} | bench/podstart.ts |`);
  const a = byId.get('api')?.result;
  if (a) out.push(`| Watch fan-out: ${fmt(num(a.watchers))} watchers × ${fmt(num(a.watch_events))} events | all ${fmt(num(a.watch_deliveries))} deliveries in ${fmt(num(a.watch_all_delivered_ms), 1)} ms | every watcher gets every event | ${num(a.watch_deliveries) === num(a.watchers) * num(a.watch_events) ? 'met' : 'not met'} | bench/api.ts |`);
  const st = byId.get('statefulset')?.result;
  if (st) out.push(`| 3-replica StatefulSet with volumeClaimTemplates, \`kubectl apply\` to all pods Ready (real sandboxes) | ${fmt(num(st.sts_ready_ms))} ms (median of ${st.runs}); baseline 3-replica Deployment without volumes: ${fmt(num(st.deployment_ready_ms))} ms | < ${fmt(num(st.target_ms))} ms | ${yes(st.meets_target)} | bench/statefulset.ts |`);
  const d = byId.get('datastore')?.result;
  if (d) out.push(`| Datastore LIST of 10,000 keys | ${fmt(num(d.list_10k_ms), 1)} ms | — | — | bench/datastore.ts |`);
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReport(o: { outcomes: BenchOutcome[]; machine: MachineInfo; command: string; full: boolean; date: Date; totalMs: number }): string {
  const byId = new Map(o.outcomes.map((x) => [x.id, x]));
  const m = o.machine;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(`Written by \`${o.command}\` on ${o.date.toISOString()} (${o.full ? 'full sizes, as the targets name them' : 'small default sizes; `npm run bench -- --full` for the sizes the targets name'}; ${fmt(o.totalMs / 1000)} s in all). Every figure is compared with a baseline measured in the same run on the same machine. This file is rewritten on every run: do not edit it by hand. How each benchmark works: [docs/bench.md](docs/bench.md).`, '');
  lines.push('## Machine', '');
  lines.push(`- CPU: ${m.cpu}, ${m.cores} cores`, `- Memory: ${m.memoryGiB} GiB`, `- Kernel: ${m.kernel}`, `- Node.js: ${m.node}`, `- Disk under ${m.tmpdir} (df): ${m.disk}`, '');
  lines.push('## Performance targets (/work/shared/DESIGN.md)', '');
  lines.push('| target | measured | same-run baseline | target | met? | benchmark |', '|---|---|---|---|---|---|');
  for (const r of targetRows(byId)) lines.push(`| ${cell(r.target)} | ${cell(r.measured)} | ${cell(r.baseline || '—')} | ${cell(r.goal)} | ${cell(r.met)} | ${r.source} |`);
  const extra = extraRows(byId);
  if (extra.length) lines.push('', '## Other figures', '', '| what | measured | target | met? | benchmark |', '|---|---|---|---|---|', ...extra);
  lines.push('', '## Runs', '');
  for (const x of o.outcomes) {
    lines.push(`### ${x.id}`, '', `\`${x.command}\` (${fmt(x.ms / 1000, 1)} s)`, '');
    if (x.skipped) { lines.push(`not measured: ${x.skipped}`, ''); continue; }
    const { output, ...rest } = x.result ?? {};
    lines.push('```json', JSON.stringify(rest, null, 2), '```', '');
    if (typeof output === 'string' && output.trim()) lines.push('Output:', '', '```', output.trim(), '```', '');
  }
  return lines.join('\n');
}
