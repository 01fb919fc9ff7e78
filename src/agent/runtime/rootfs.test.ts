// Writing into a container's root before its overlay is mounted: paths resolve as the merged view will
// (upper layer first, then the image), symlinks never lead out of the root, and directories made in the
// writable layer keep the owner and mode of the image's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, existsSync, statSync, chownSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { layersOf, resolveInLayers, writeRootFile, makeMountPoint, type Layers } from './rootfs.js';

let tmp: string; let l: Layers; let lower: string; let upper: string;
before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-rootfs-'));
  lower = path.join(tmp, 'lower'); upper = path.join(tmp, 'upper');
  mkdirSync(path.join(lower, 'etc'), { recursive: true }); mkdirSync(upper);
  mkdirSync(path.join(lower, 'run')); mkdirSync(path.join(lower, 'var'));
  symlinkSync('/run', path.join(lower, 'var/run'));          // absolute link: inside the root
  symlinkSync('../../../../../..', path.join(lower, 'up'));  // climbs: stops at the root
  symlinkSync('/etc/passwd', path.join(lower, 'etc/mtab'));  // the host's /etc/passwd must never be touched
  mkdirSync(path.join(lower, 'home/app'), { recursive: true });
  chownSync(path.join(lower, 'home/app'), 1234, 1234); chmodSync(path.join(lower, 'home/app'), 0o700);
  writeFileSync(path.join(lower, 'etc/hosts'), 'image hosts\n');
  l = layersOf(lower, upper);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('paths resolve through the image layer, symlinks inside the root', () => {
  assert.equal(resolveInLayers(l, '/var/run/secrets/token'), '/run/secrets/token');
  assert.equal(resolveInLayers(l, '/up/etc/hosts'), '/etc/hosts');
  assert.equal(resolveInLayers(l, '/../../etc/mtab'), '/etc/passwd');
  assert.equal(resolveInLayers(l, 'a/./b/../c'), '/a/c');
});

test('the upper layer wins over the image, and an upper whiteout hides it', () => {
  const l2 = layersOf(lower, path.join(tmp, 'upper2'));
  mkdirSync(path.join(tmp, 'upper2/var'), { recursive: true });
  mkdirSync(path.join(tmp, 'upper2/var/run')); // a real directory in upper covers the image's symlink
  assert.equal(resolveInLayers(l2, '/var/run/x'), '/var/run/x');
});

test('etc files are written into the upper layer, the image untouched, never the host', async () => {
  await writeRootFile(l, '/etc/hosts', '127.0.0.1 localhost\n');
  await writeRootFile(l, '/etc/mtab', 'inside\n');
  assert.equal(readFileSync(path.join(upper, 'etc/hosts'), 'utf8'), '127.0.0.1 localhost\n');
  assert.equal(readFileSync(path.join(lower, 'etc/hosts'), 'utf8'), 'image hosts\n');
  assert.equal(readFileSync(path.join(upper, 'etc/passwd'), 'utf8'), 'inside\n');
  assert.notEqual(readFileSync('/etc/passwd', 'utf8'), 'inside\n');
});

test('mount points: directories copied up with the image owner and mode, files created empty, existing ones kept', async () => {
  assert.equal(await makeMountPoint(l, '/var/run/secrets/kubernetes.io', true), '/run/secrets/kubernetes.io');
  assert.ok(statSync(path.join(upper, 'run/secrets/kubernetes.io')).isDirectory());
  assert.equal(existsSync(path.join(lower, 'run/secrets')), false);
  assert.equal(await makeMountPoint(l, '/home/app/data', true), '/home/app/data');
  const st = statSync(path.join(upper, 'home/app'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [1234, 1234, 0o700]);
  assert.equal(await makeMountPoint(l, '/etc/config.yaml', false), '/etc/config.yaml');
  assert.equal(readFileSync(path.join(upper, 'etc/config.yaml'), 'utf8'), '');
  // Already in the image: nothing is added to the writable layer.
  assert.equal(await makeMountPoint(l, '/var', true), '/var');
  assert.equal(existsSync(path.join(upper, 'var')), false);
});
