// streamLog: what `kubectl logs` and attach read from a container's CRI log file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { streamLog } from './logs.js';

const line = (t: string) => `2026-11-23T10:00:00.000000000Z stdout F ${t}\n`;
function sink(): { w: Writable; text: () => string } {
  let s = '';
  return { w: new Writable({ write(c, _e, cb) { s += String(c); cb(); } }), text: () => s };
}

test('tailLines and whole-file reads', async () => {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'stowage-logs-')), '0.log');
  writeFileSync(f, line('one') + line('two') + line('three'));
  const all = sink(); await streamLog(f, all.w, {}, () => true);
  assert.equal(all.text(), 'one\ntwo\nthree\n');
  const tail = sink(); await streamLog(f, tail.w, { tailLines: 1 }, () => true);
  assert.equal(tail.text(), 'three\n');
});

test('attach: from the byte where the session began, so output written just after it is never skipped', async () => {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'stowage-logs-')), '0.log');
  writeFileSync(f, line('before'));
  const fromByte = statSync(f).size;
  // The container answers the session's stdin before the reader has even started.
  appendFileSync(f, line('answer'));
  const out = sink();
  let done = false;
  const p = streamLog(f, out.w, { follow: true, fromByte }, () => done);
  setTimeout(() => { appendFileSync(f, line('later')); done = true; }, 150);
  await p;
  assert.equal(out.text(), 'answer\nlater\n');
});
