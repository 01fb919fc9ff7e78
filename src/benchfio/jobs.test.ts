import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyVariant, selectJobFile, BUILTIN_JOBS } from './jobs.js';
import { generateName } from './names.js';
import { parseNodeSelector } from './command.js';
import { parseLdd } from '../agent/images/fio-image.js';

test('job selection: -f (ConfigMap key = file name) over -t over default-fio; unknown -t is kubestr\'s error', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'h7-jobs-'));
  try {
    writeFileSync(path.join(dir, 'quick.fio'), '[j]\nrw=read\n');
    assert.deepEqual(await selectJobFile({ fioFile: path.join(dir, 'quick.fio'), testName: 'randrw' }), { name: 'quick.fio', text: '[j]\nrw=read\n' });
    assert.equal((await selectJobFile({ testName: 'randrw' })).text, BUILTIN_JOBS.randrw);
    assert.equal((await selectJobFile({})).name, 'default-fio');
    await assert.rejects(selectJobFile({ testName: 'nope' }), { message: 'FIO job not found- (nope)' });
    await assert.rejects(selectJobFile({ fioFile: path.join(dir, 'missing') }), /^Error: File reading error: /);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('default-fio is kubestr\'s four concurrent jobs; the latency variant only turns gtod_reduce off', () => {
  const t = BUILTIN_JOBS['default-fio']!;
  assert.deepEqual([...t.matchAll(/^name=(.*)$/gm)].map((m) => m[1]), ['read_iops', 'write_iops', 'read_bw', 'write_bw']);
  assert.doesNotMatch(t, /stonewall|numjobs/);
  const v = latencyVariant(t);
  assert.equal(v.replace('gtod_reduce=0', 'gtod_reduce=1'), t);
  assert.match(v, /^gtod_reduce=0$/m);
});

test('generated names look like the API server\'s generateName', () => {
  assert.match(generateName('kubestr-fio-pvc-'), /^kubestr-fio-pvc-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('-N k=v,k2=v2', () => {
  assert.deepEqual(parseNodeSelector('kubernetes.io/hostname=k8s-w1,disk=ssd'), { 'kubernetes.io/hostname': 'k8s-w1', disk: 'ssd' });
  assert.throws(() => parseNodeSelector('novalue'), /invalid node selector "novalue"/);
});

test('ldd output: libraries by resolved path, the loader by its own path, vdso skipped', () => {
  const out = '\tlinux-vdso.so.1 (0x00007ffd)\n\tlibaio.so.1 => /lib/x86_64-linux-gnu/libaio.so.1 (0x1)\n\t/lib64/ld-linux-x86-64.so.2 (0x2)\n';
  assert.deepEqual(parseLdd(out), ['/lib/x86_64-linux-gnu/libaio.so.1', '/lib64/ld-linux-x86-64.so.2']);
});
