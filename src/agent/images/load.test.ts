import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { loadImageArchive } from './load.js';
import { ImageStore } from './store.js';

async function tarOf(files: Array<{ name: string; body?: string | Buffer; type?: 'file' | 'directory' | 'symlink'; linkname?: string; mode?: number }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (d: unknown) => chunks.push(d as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const f of files) {
    if (f.type === 'directory' || f.type === 'symlink') pack.entry({ name: f.name, type: f.type, linkname: f.linkname, mode: f.mode ?? 0o755 });
    else pack.entry({ name: f.name, mode: f.mode ?? 0o644 }, f.body ?? '');
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

test('docker-save archive: layers in order, whiteouts, opaque dirs, config, tags resolve', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-img-'));
  try {
    const l1 = await tarOf([{ name: 'etc/', type: 'directory' }, { name: 'etc/keep', body: 'k' }, { name: 'etc/gone', body: 'g' }, { name: 'opt/x/', type: 'directory' }, { name: 'opt/x/old', body: 'o' }, { name: 'bin/app', body: '#!/bin/sh\necho app\n', mode: 0o755 }]);
    const l2 = gzipSync(await tarOf([{ name: 'etc/.wh.gone', body: '' }, { name: 'opt/x/.wh..wh..opq', body: '' }, { name: 'opt/x/new', body: 'n' }, { name: 'bin/link', type: 'symlink', linkname: 'app' }]));
    const config = { config: { Entrypoint: ['/bin/app'], Cmd: ['--serve'], Env: ['PATH=/bin'], WorkingDir: '/opt' } };
    const archive = await tarOf([
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['example.com/team/app:1.0'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]) },
      { name: 'cfg.json', body: JSON.stringify(config) }, { name: 'l1/layer.tar', body: l1 }, { name: 'l2/layer.tar', body: l2 },
    ]);
    writeFileSync(path.join(tmp, 'app.tar'), archive);
    const [cfg] = await loadImageArchive(path.join(tmp, 'images'), path.join(tmp, 'app.tar'));
    assert.equal(cfg!.ref, 'example.com/team/app:1.0');
    const img = new ImageStore(path.join(tmp, 'images')).resolve('example.com/team/app:1.0')!;
    assert.deepEqual(img.config.Entrypoint, ['/bin/app']);
    assert.equal(img.config.WorkingDir, '/opt');
    assert.equal(readFileSync(path.join(img.rootfs, 'etc/keep'), 'utf8'), 'k');
    assert.equal(existsSync(path.join(img.rootfs, 'etc/gone')), false);
    assert.equal(existsSync(path.join(img.rootfs, 'opt/x/old')), false);
    assert.equal(readFileSync(path.join(img.rootfs, 'opt/x/new'), 'utf8'), 'n');
    assert.equal(readFileSync(path.join(img.rootfs, 'bin/link'), 'utf8'), '#!/bin/sh\necho app\n');
    assert.match(img.config.id, /^sha256:[0-9a-f]{64}$/);
  } finally { rmSync(tmp, { recursive: true, force: true }); }
});

test('an archive that is neither layout is refused', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-img-'));
  try {
    writeFileSync(path.join(tmp, 'x.tar'), await tarOf([{ name: 'hello', body: 'x' }]));
    await assert.rejects(loadImageArchive(path.join(tmp, 'images'), path.join(tmp, 'x.tar')), { message: `${path.join(tmp, 'x.tar')}: neither an OCI layout (index.json) nor a docker archive (manifest.json)` });
  } finally { rmSync(tmp, { recursive: true, force: true }); }
});
