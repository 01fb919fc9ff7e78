// `npm run bench`: runs every benchmark in bench/ as its own child process (a crash or a missing piece in
// one does not take the others down, and each starts with a clean heap), reads the one JSON line each
// prints, and rewrites BENCHMARKS.md. A benchmark that fails is recorded as "not measured: <why>".
//
//   node dist/bench/run.js [--full] [--only api,fio] [--out BENCHMARKS.md]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine.js';
import { renderReport, type BenchOutcome } from './report.js';
import { REPO } from './cluster.js';
import { arg, hasFlag, isMain } from './util.js';

interface BenchSpec { id: string; args: (full: boolean) => string[]; timeoutMs: number }

export const BENCHES: BenchSpec[] = [
  { id: 'startup', args: () => [], timeoutMs: 180_000 },
  { id: 'api', args: (full) => (full ? ['--full'] : ['--pvs', '10000', '--watchers', '1000']), timeoutMs: 300_000 },
  { id: 'datastore', args: (full) => (full ? ['--seconds', '8'] : []), timeoutMs: 180_000 },
  { id: 'binding', args: () => ['--full'], timeoutMs: 300_000 }, // 10,000 pairs take ~25 s: always the target size
  { id: 'scheduling', args: () => [], timeoutMs: 180_000 },
  { id: 'podstart', args: () => [], timeoutMs: 180_000 },
  { id: 'walkthrough', args: () => [], timeoutMs: 180_000 },
  { id: 'statefulset', args: () => [], timeoutMs: 240_000 },
  // 1,000 claims with pods take ~50 s (plus ~20 s for the baseline's 1,000 plain pods): always the target size.
  { id: 'provisioning', args: () => ['--full'], timeoutMs: 600_000 },
  // --full lays out 4 x 2G per fio run: 3 rounds (8 runs) instead of 6 keep it within the timeout.
  { id: 'fio', args: (full) => (full ? ['--full', '--rounds', '3'] : []), timeoutMs: 600_000 },
];

const fromDist = fileURLToPath(import.meta.url).includes(`${join('dist', 'bench')}`);

/** How to start bench/<id>: the compiled file under dist when we run from dist, else the source via tsx. */
function commandFor(id: string, args: string[]): { argv: string[]; display: string } {
  const argv = fromDist ? [join(REPO, 'dist', 'bench', `${id}.js`), ...args] : ['--import', 'tsx', join(REPO, 'bench', `${id}.ts`), ...args];
  const display = fromDist ? `node dist/bench/${id}.js ${args.join(' ')}` : `node --import tsx bench/${id}.ts ${args.join(' ')}`;
  return { argv, display: display.trim() };
}

export function runOne(spec: BenchSpec, full: boolean): Promise<BenchOutcome> {
  const { argv, display } = commandFor(spec.id, spec.args(full));
  process.stderr.write(`\n== ${spec.id}: ${display}\n`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); process.stderr.write(c); });
    const timer = setTimeout(() => { err += `\ntimed out after ${spec.timeoutMs / 1000} s`; child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 10_000).unref(); }, spec.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (code === 0 && line) {
        try { resolve({ id: spec.id, command: display, ms, result: JSON.parse(line) as Record<string, unknown> }); return; } catch { /* fall through */ }
      }
      const why = err.trim().split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-2).join(' / ') || `exit code ${code}`;
      resolve({ id: spec.id, command: display, ms, skipped: `exit code ${code}: ${why.slice(0, 400)}` });
    });
  });
}

async function main(): Promise<void> {
  const full = hasFlag('full');
  const only = arg('only')?.split(',');
  const out = arg('out') ?? join(REPO, 'BENCHMARKS.md');
  const t0 = performance.now();
  const outcomes: BenchOutcome[] = [];
  for (const spec of BENCHES) {
    if (only && !only.includes(spec.id)) { outcomes.push({ id: spec.id, command: commandFor(spec.id, spec.args(full)).display, ms: 0, skipped: 'not selected (--only)' }); continue; }
    const r = await runOne(spec, full);
    process.stderr.write(r.skipped ? `-- ${spec.id}: not measured: ${r.skipped}\n` : `-- ${spec.id}: done in ${(r.ms / 1000).toFixed(1)} s\n`);
    outcomes.push(r);
  }
  const extra = [...(full ? ['--full'] : []), ...(only ? ['--only', only.join(',')] : [])];
  const command = `npm run bench${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
  writeFileSync(out, renderReport({ outcomes, machine: machineInfo(), command, full, date: new Date(), totalMs: performance.now() - t0 }));
  process.stderr.write(`\nwrote ${out}\n`);
}

if (isMain(import.meta.url)) main().catch((e) => { console.error(e); process.exit(1); });
