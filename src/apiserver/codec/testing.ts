// Test helper: makes sure generated/ (OpenAPI documents and field schemas) exists and is current before
// codec tests read it, by running scripts/gen-openapi.ts --if-stale (a no-op when nothing changed).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './schema.js';

export function ensureGenerated(): void {
  const root = repoRoot();
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'gen-openapi.ts'), '--if-stale'], { cwd: root, stdio: 'inherit' });
}
