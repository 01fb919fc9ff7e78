import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, statSync, lstatSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setVolumeOwnership } from './ownership.js';

const asRoot = process.getuid?.() === 0;
const modeGid = (p: string) => { const s = statSync(p); return [(s.mode & 0o7777).toString(8), s.gid]; };

function tree(): { dir: string; outside: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'stowage-own-'));
  const dir = path.join(base, 'vol');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  chmodSync(dir, 0o755); chmodSync(path.join(dir, 'sub'), 0o700);
  writeFileSync(path.join(dir, 'sub/f'), 'x', { mode: 0o600 });
  const outside = path.join(base, 'outside');
  writeFileSync(outside, 'host', { mode: 0o600 });
  symlinkSync(outside, path.join(dir, 'link'));
  // A directory outside the volume, and a symlink to it inside: the walk must not go there.
  mkdirSync(path.join(base, 'hostdir'), { mode: 0o700 });
  writeFileSync(path.join(base, 'hostdir/secret'), 's', { mode: 0o600 });
  symlinkSync(path.join(base, 'hostdir'), path.join(dir, 'dirlink'));
  return { dir, outside };
}

test('fsGroup walk: group, group rw (ro for read-only volumes), setgid directories; symlinks not followed', { skip: !asRoot && 'changing a file\'s group to any gid needs root' }, async () => {
  const { dir, outside } = tree();
  await setVolumeOwnership(dir, 2000, false);
  assert.deepEqual(modeGid(dir), ['2775', 2000]);
  assert.deepEqual(modeGid(path.join(dir, 'sub')), ['2770', 2000]);
  assert.deepEqual(modeGid(path.join(dir, 'sub/f')), ['660', 2000]);
  assert.equal(lstatSync(path.join(dir, 'link')).gid, 2000, 'the link itself is handed over');
  assert.deepEqual(modeGid(outside), ['600', 0], 'what the link points to is untouched');
  assert.deepEqual(modeGid(path.join(dir, '../hostdir')), ['700', 0], 'a linked directory is not entered');
  assert.deepEqual(modeGid(path.join(dir, '../hostdir/secret')), ['600', 0]);

  const ro = tree();
  await setVolumeOwnership(ro.dir, 3000, true);
  assert.deepEqual(modeGid(path.join(ro.dir, 'sub/f')), ['640', 3000]);
  assert.deepEqual(modeGid(path.join(ro.dir, 'sub')), ['2750', 3000]);

  // No fsGroup: nothing changes.
  const none = tree();
  await setVolumeOwnership(none.dir, undefined, false);
  assert.deepEqual(modeGid(path.join(none.dir, 'sub/f')), ['600', 0]);
});

test('fsGroupChangePolicy OnRootMismatch: no walk when the root already has the group, the bits and setgid', { skip: !asRoot && 'needs root' }, async () => {
  const { dir } = tree();
  await setVolumeOwnership(dir, 2000, false);
  writeFileSync(path.join(dir, 'new'), 'y', { mode: 0o600 }); // made by root after the first walk: group 2000 by setgid, mode 600
  await setVolumeOwnership(dir, 2000, false, 'OnRootMismatch');
  assert.deepEqual(modeGid(path.join(dir, 'new')), ['600', 2000], 'skipped: the root matched');
  await setVolumeOwnership(dir, 2000, false, 'Always');
  assert.deepEqual(modeGid(path.join(dir, 'new')), ['660', 2000]);
  await setVolumeOwnership(dir, 4000, false, 'OnRootMismatch');
  assert.deepEqual(modeGid(path.join(dir, 'new')), ['660', 4000], 'a different group: walked');
});
