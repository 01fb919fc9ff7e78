import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture as fixturePath } from './testing/paths.js';
import { goDuration, kubestrJson, kubestrResultText, kubestrTestOutput, latencyPercentiles, latencyText, parseFioOutput, type FioResult } from './result.js';

// Captured from the host's fio 3.33 running kubestr's default-fio job scaled down (16M, 2 s).
const fixture = readFileSync(fixturePath('fio-default-small.json'), 'utf8');
const latencyFixture = readFileSync(fixturePath('fio-latency-small.json'), 'utf8');

// The lines kubestr prints, as regular expressions built from its format strings (pkg/fio/fio_types.go).
const LINE = {
  version: /^FIO version - fio-\d+\.\d+$/,
  global: /^Global options - ioengine=libaio verify=0 direct=1 gtod_reduce=1$/,
  job: /^JobName: (read_iops|write_iops|read_bw|write_bw)$/,
  jobOpts: /^ {2}blocksize=\d+[Kk] filesize=\d+[MG] iodepth=\d+ rw=rand(read|write)$/,
  dir: /^(read|write):$/,
  iops: /^ {2}IOPS=\d+\.\d{6} BW\(KiB\/s\)=\d+$/,
  iopsStats: /^ {2}iops: min=\d+ max=\d+ avg=\d+\.\d{6}$/,
  bwStats: /^ {2}bw\(KiB\/s\): min=\d+ max=\d+ avg=\d+\.\d{6}$/,
  disk: /^ {2}\S+: ios=\d+\/\d+ merge=\d+\/\d+ ticks=\d+\/\d+ in_queue=\d+, util=\d+\.\d{6}%$/,
};

test('kubestr output from a real fio JSON document: every line in the upstream format, in order', () => {
  const text = kubestrTestOutput('\n' + kubestrResultText(parseFioOutput(fixture)), true, false);
  const lines = text.split('\n');
  assert.equal(lines[0], 'FIO test results:');
  assert.equal(lines[1], '  ');
  assert.match(lines[2]!, LINE.version);
  assert.match(lines[3]!, LINE.global);
  assert.equal(lines[4], '');
  let i = 5;
  for (const [name, dir] of [['read_iops', 'read'], ['write_iops', 'write'], ['read_bw', 'read'], ['write_bw', 'write']] as const) {
    assert.equal(lines[i], `JobName: ${name}`); assert.match(lines[i]!, LINE.job);
    assert.match(lines[i + 1]!, LINE.jobOpts);
    assert.equal(lines[i + 2], `${dir}:`); assert.match(lines[i + 2]!, LINE.dir);
    assert.match(lines[i + 3]!, LINE.iops);
    assert.match(lines[i + 4]!, LINE.iopsStats);
    assert.match(lines[i + 5]!, LINE.bwStats);
    assert.equal(lines[i + 6], '');
    i += 7;
  }
  assert.equal(lines[i], 'Disk stats (read/write):');
  assert.match(lines[i + 1]!, LINE.disk);
  assert.equal(lines[i + 2], '  -  OK');
  assert.equal(lines[i + 3], '');
  assert.equal(lines.length, i + 4);
});

test('numbers print as Go prints them: %f of float32 fields, %d of integers', () => {
  const r: FioResult = {
    'fio version': 'fio-3.20',
    'global options': { ioengine: 'libaio', verify: '0', direct: '1', gtod_reduce: '1' },
    jobs: [{ 'job options': { name: 'read_iops', bs: '4K', size: '2G', iodepth: '64', rw: 'randread' },
      read: { iops: 656.706482, bw: 2643, iops_min: 230, iops_max: 1335, iops_mean: 659.793091, bw_min: 920, bw_max: 5343, bw_mean: 2639.413818 },
      write: { iops: 0, bw: 0 } }],
    disk_util: [{ name: 'nvme0n1', read_ios: 20794, write_ios: 14963, read_merges: 0, write_merges: 314, read_ticks: 473551, write_ticks: 382013, in_queue: 855563, util: 96.924164 }],
  };
  // Seed 004's local-path run, line for line.
  assert.equal(kubestrResultText(r), [
    'FIO version - fio-3.20',
    'Global options - ioengine=libaio verify=0 direct=1 gtod_reduce=1',
    '',
    'JobName: read_iops',
    '  blocksize=4K filesize=2G iodepth=64 rw=randread',
    'read:',
    '  IOPS=656.706482 BW(KiB/s)=2643',
    '  iops: min=230 max=1335 avg=659.793091',
    '  bw(KiB/s): min=920 max=5343 avg=2639.413818',
    '',
    'Disk stats (read/write):',
    '  nvme0n1: ios=20794/14963 merge=0/314 ticks=473551/382013 in_queue=855563, util=96.924164%',
    '',
  ].join('\n'));
  // float32 rounding: kubestr's own fixture has iops 982.050780, which Go prints from a float32.
  assert.match(kubestrResultText({ jobs: [{ read: { iops: 982.05078, bw: 3944 } }] }), /IOPS=982\.050781 BW\(KiB\/s\)=3944/);
});

test('a failed run prints the error with "  -  Error", and colours only on a terminal', () => {
  assert.equal(kubestrTestOutput('Cannot find StorageClass: nope', false, false), 'FIO test results:\n  Cannot find StorageClass: nope  -  Error\n');
  assert.equal(kubestrTestOutput('x', true, true), 'FIO test results:\n  x  -  \x1b[1;32mOK\x1b[0m\n');
});

test('-o json is kubestr\'s TestOutput list with four-space indentation', () => {
  const doc = JSON.parse(kubestrJson('msg', true, { size: '1Gi' })) as unknown;
  assert.deepEqual(doc, [{ TestName: 'FIO test results', Status: [{ StatusCode: 'OK', StatusMessage: 'msg' }], Raw: { size: '1Gi' } }]);
  assert.match(kubestrJson('m', false, null), /^\[\n {4}\{\n {8}"TestName"/);
});

test('notes fio prints before the JSON are skipped; garbage is an error', () => {
  const r = parseFioOutput('note: both iodepth >= 1 and synchronous I/O engine are selected\n' + fixture);
  assert.equal(r.jobs?.length, 4);
  assert.throws(() => parseFioOutput('fio: pid=0, err=22/file:filesetup.c'), /Unable to parse fio output into json\./);
});

test('Elapsed time is Go\'s Duration.String()', () => {
  assert.equal(goDuration(50962.663209), '50.962663209s');
  assert.equal(goDuration(2000), '2s');
  assert.equal(goDuration(61500), '1m1.5s');
  assert.equal(goDuration(1.5), '1.5ms');
  assert.equal(goDuration(3723000), '1h2m3s');
});

test('completion-latency percentiles come from the pass without gtod_reduce, and are absent with it', () => {
  const rows = latencyPercentiles(parseFioOutput(latencyFixture));
  assert.deepEqual(rows.map((r) => `${r.job} ${r.dir}`), ['read_iops read', 'write_iops write', 'read_bw read', 'write_bw write']);
  for (const r of rows) { assert.ok(r.p50us > 0 && r.p50us <= r.p95us && r.p95us <= r.p99us, JSON.stringify(r)); }
  assert.match(latencyText(rows), /^ {2}read_iops read: p50=\d+\.\dus p95=\d+\.\dus p99=\d+\.\dus$/m);
  assert.deepEqual(latencyPercentiles(parseFioOutput(fixture)), []);
});
