import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture as fixturePath } from './testing/paths.js';
import { compareChartSvg } from './chart.js';
import { compareMetrics, compareTable, hostRatios, ratioTable } from './compare.js';
import { meanResult, parseFioOutput, type FioResult } from './result.js';

const fixture = parseFioOutput(readFileSync(fixturePath('fio-default-small.json'), 'utf8'));

/** The fixture with every IOPS/bandwidth figure multiplied, as a second "class". */
function scaled(r: FioResult, k: number): FioResult {
  const c = structuredClone(r);
  for (const j of c.jobs ?? []) for (const s of [j.read, j.write]) if (s) for (const key of ['iops', 'bw', 'iops_mean', 'bw_mean'] as const) s[key] = (s[key] ?? 0) * k;
  return c;
}

test('seed 004 table: one column per class, avg IOPS for *_iops jobs and avg KiB/s for *_bw jobs', () => {
  const results = [{ storageClass: 'local-path', result: fixture }, { storageClass: 'nfs-client', result: scaled(fixture, 0.5) }];
  const m = compareMetrics(results);
  assert.deepEqual(m.map((x) => `${x.label} ${x.unit}`), ['read_iops (avg) IOPS', 'write_iops (avg) IOPS', 'read_bw (avg) KiB/s', 'write_bw (avg) KiB/s']);
  assert.equal(m[0]!.values[0], fixture.jobs![0]!.read!.iops_mean);
  assert.equal(m[2]!.values[1], fixture.jobs![2]!.read!.bw_mean! * 0.5);
  const table = compareTable(results).split('\n');
  assert.match(table[0]!, /^\| +\| +local-path \| +nfs-client \|$/);
  assert.match(table[2]!, new RegExp(`^\\| read_iops \\(avg\\) IOPS +\\| +${fixture.jobs![0]!.read!.iops_mean!.toFixed(6)} \\|`));
});

test('the SVG chart has one bar group per class, one bar per metric in each', () => {
  const classes = ['local-path', 'nfs-client', 'fast<&>'];
  const results = classes.map((c, i) => ({ storageClass: c, result: scaled(fixture, 1 / (i + 1)) }));
  const svg = compareChartSvg(classes, compareMetrics(results));
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const groups = [...svg.matchAll(/<g class="bar-group" data-storage-class="([^"]*)">([\s\S]*?)<\/g>/g)];
  assert.deepEqual(groups.map((g) => g[1]), ['local-path', 'nfs-client', 'fast&#60;&#38;&#62;']);
  for (const g of groups) assert.equal([...g[2]!.matchAll(/<rect class="bar"/g)].length, 4);
  // The best class on each metric gets the full plot height (240).
  assert.match(groups[0]![2]!, /height="240\.0"/);
  assert.doesNotMatch(groups[1]![2]!, /height="240\.0"/);
});

test('host baseline ratios: in-pod over host per job and direction', () => {
  const rows = hostRatios(scaled(fixture, 0.9), fixture);
  assert.equal(rows.length, 4);
  for (const r of rows) assert.ok(Math.abs(r.iopsRatio - 0.9) < 1e-9, JSON.stringify(r));
  assert.match(ratioTable(rows), /\| read_iops read +\| +[\d.]+ \| +[\d.]+ \| +90\.0% \|/);
});

test('the host baseline is the job-by-job mean of the runs before and after the pod\'s', () => {
  const m = meanResult([scaled(fixture, 1), scaled(fixture, 3)]);
  assert.equal(m.jobs![0]!.read!.iops, fixture.jobs![0]!.read!.iops! * 2);
  assert.equal(m.jobs![3]!.write!.bw_mean, fixture.jobs![3]!.write!.bw_mean! * 2);
  assert.equal(fixture.jobs![0]!.read!.iops, scaled(fixture, 1).jobs![0]!.read!.iops, 'inputs untouched');
});
