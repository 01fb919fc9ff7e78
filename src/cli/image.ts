// `stowage image load FILE` / `stowage image ls`: the node image store (default DIR/images of `up`).
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { ImageStore, ensureBuiltinImages } from '../agent/images/store.js';
import { loadImageArchive } from '../agent/images/load.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('manage the node image store');
  image.command('load <file>')
    .description('unpack an OCI layout or docker-save archive (tar or tar.gz) into the image store')
    .option('--data-dir <dir>', 'cluster data directory (the store is <dir>/images)', '.stowage')
    .option('--images <dir>', 'image store directory (overrides --data-dir)')
    .action(async (file: string, o: { dataDir: string; images?: string }) => {
      const dir = resolve(o.images ?? join(o.dataDir, 'images'));
      for (const cfg of await loadImageArchive(dir, resolve(file))) process.stdout.write(`Loaded image: ${cfg.ref} (${cfg.size} bytes)\n`);
    });
  image.command('ls')
    .description('list the images in the store')
    .option('--data-dir <dir>', 'cluster data directory (the store is <dir>/images)', '.stowage')
    .option('--images <dir>', 'image store directory (overrides --data-dir)')
    .action(async (o: { dataDir: string; images?: string }) => {
      const dir = resolve(o.images ?? join(o.dataDir, 'images'));
      await ensureBuiltinImages(dir);
      process.stdout.write('IMAGE\tID\tSIZE\n');
      for (const c of new ImageStore(dir).list()) process.stdout.write(`${c.ref}\t${c.id.slice(7, 19)}\t${c.size}\n`);
    });
}
