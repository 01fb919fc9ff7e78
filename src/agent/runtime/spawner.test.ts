// The command shells: arguments arrive unchanged (quotes, spaces, $), failures carry util-linux's own
// message with its newline, arguments with newlines travel in $'...' quoting, and requests in parallel
// are answered to the right caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandError, directSpawnCount, runCommand } from './spawner.js';
import { isMountPoint, mount, unmountAll } from './mount.js';

test('arguments arrive byte for byte', async () => {
  assert.equal(await runCommand('printf', ['%s|', "it's", 'a b', '$HOME', '`id`', '"q"']), `it's|a b|$HOME|\`id\`|"q"|`);
});

test('a failure rejects with the command\'s own message (util-linux, not a busybox applet)', async () => {
  const e = await runCommand('mount', ['-t', 'tmpfs', 'x', '/nonexistent-stowage-test']).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof CommandError);
  assert.equal(e.code, 32);
  assert.match(e.stderr, /^mount: \/nonexistent-stowage-test: mount point does not exist\.\n/);
});

test('arguments with newlines and other control characters travel through the shell; parallel requests get their own answers', async () => {
  const before = directSpawnCount();
  const weird = "line1\nline2\ttab 'q' \\back \x01\x7f ünï $'x'";
  assert.equal(await runCommand('printf', ['%s', weird]), weird.trim());
  assert.equal(await runCommand('printf', ['%s|', 'a\nb', '', '\n']), 'a\nb||\n|');
  assert.equal(directSpawnCount(), before, 'no direct spawn');
  const outs = await Promise.all(Array.from({ length: 50 }, (_x, i) => runCommand('echo', [String(i)])));
  assert.deepEqual(outs, Array.from({ length: 50 }, (_x, i) => String(i)));
});

test('isMountPoint sees a bind mount of the same filesystem; unmountAll removes several in one go', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stowage-spawner-'));
  try {
    const [a, b, src] = ['a', 'b', 'src'].map((n) => path.join(dir, n)) as [string, string, string];
    for (const d of [a, b, src]) mkdirSync(d);
    await mount(['--bind', src, a]);
    await mount(['-t', 'tmpfs', 'tmpfs', b]);
    assert.equal(isMountPoint(a), true);
    assert.equal(isMountPoint(b), true);
    assert.equal(isMountPoint(src), false);
    assert.equal(isMountPoint(path.join(dir, 'missing')), false);
    await unmountAll([a, b]);
    assert.equal(isMountPoint(a), false);
    assert.equal(isMountPoint(b), false);
  } finally {
    await unmountAll([path.join(dir, 'a'), path.join(dir, 'b')]);
    rmSync(dir, { recursive: true, force: true });
  }
});
