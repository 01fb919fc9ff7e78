// Where the repository is, whether the tests run from src/ (tsx) or from dist/src/ (npm test): fixtures
// stay in src/benchfio/testdata (tsc does not copy them to dist).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const fixture = (name: string) => path.join(repoRoot(), 'src/benchfio/testdata', name);

/** argv for node to run src/benchfio/testing/cli: compiled JS beside us in dist, else the source via tsx. */
export function cliEntryArgv(): string[] {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.js') ? [path.join(path.dirname(here), 'cli.js')] : ['--import', 'tsx', path.join(path.dirname(here), 'cli.ts')];
}
