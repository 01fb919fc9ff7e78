import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport, targetRows, type BenchOutcome } from './report.js';

const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 4, kernel: 'Linux 6.1', node: 'v20.0.0', disk: '/dev/vda (ext4), 100G total, 50G free, mounted on /', tmpdir: '/tmp' };

test('one row per DESIGN.md target; a benchmark that did not run says why', () => {
  const outcomes: BenchOutcome[] = [
    { id: 'api', command: 'node dist/bench/api.js', ms: 1000, result: { get_per_s: 900, bare_get_per_s: 1000, get_ratio: 0.9, get_meets_target: true, get_concurrency: 16, list_items: 10000, list_ms: 350, list_bytes: 1, list_meets_target: false } },
    { id: 'fio', command: 'node dist/bench/fio.js', ms: 1000, skipped: 'exit code 1: `stowage up` exited' },
  ];
  const rows = targetRows(new Map(outcomes.map((o) => [o.id, o])));
  assert.equal(rows.length, 9);
  const get = rows.find((r) => r.target === 'GET by name over HTTPS')!;
  assert.equal(get.met, 'met');
  assert.match(get.measured, /^900 req\/s \(16 concurrent, keep-alive\) = 90\.0 %$/);
  assert.equal(rows.find((r) => r.target.startsWith('LIST'))!.met, 'not met');
  const fio = rows.find((r) => r.target.startsWith('fio'))!;
  assert.equal(fio.measured, 'not measured: exit code 1: `stowage up` exited');
  assert.equal(rows.find((r) => r.source === 'bench/startup.ts')!.measured, 'not measured: bench/startup.ts did not run');
  const md = renderReport({ outcomes, machine, command: 'npm run bench', full: false, date: new Date(0), totalMs: 2000 });
  assert.match(md, /^- CPU: Test CPU, 2 cores$/m);
  assert.match(md, /^- Disk under \/tmp \(df\): \/dev\/vda \(ext4\)/m);
  assert.match(md, /^\| fio in a pod on local-path vs fio on the same disk outside \| not measured: exit code 1: `stowage up` exited \| — \| ≥ 95 % on each of the 4 jobs \| not measured \| bench\/fio\.ts \|$/m);
});
