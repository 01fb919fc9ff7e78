#!/usr/bin/env node
// Enforces the dependency direction of docs/development.md: every component crosses the API through the client;
// only the composition roots (src/cli) wire the server side and the client side together.
// The message names the allowed layers so a failing import says what to do instead.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
// layer -> layers it may import (besides itself)
const allowed = {
  api: [],
  util: ['api', 'client'],
  datastore: ['api', 'util'],
  registry: ['api', 'util'],
  apiserver: ['api', 'util', 'registry', 'datastore', 'client'],
  client: ['api'],
  streams: ['api', 'util'],
  controllers: ['api', 'util', 'client'],
  scheduler: ['api', 'util', 'client'],
  agent: ['api', 'util', 'client', 'streams'],
  why: ['api', 'util', 'client', 'controllers'], // explains using the binder's own matching rules
  benchfio: ['api', 'util', 'client', 'streams'],
  cli: null, // composition root: may wire anything
};

function* files(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) yield p;
  }
}

// Test support (fixtures that start an in-process server) and the in-process client (the one bridge from the
// client interface to the server's handlers) wire both sides on purpose, like the composition roots.
const exempt = (rel) => /(^|\/)testing(\/|\.ts$)|(^|\/)integration\.ts$|^client\/inprocess\.ts$/.test(rel);

const problems = [];
for (const f of files(src)) {
  const rel = relative(src, f);
  if (exempt(rel)) continue;
  const layer = rel.split('/')[0];
  const rules = allowed[layer];
  if (rules === null) continue;
  if (rules === undefined) { problems.push(`${relative(root, f)}: folder src/${layer} is not a known layer (add it to scripts/check-layers.mjs)`); continue; }
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    const target = relative(src, resolve(dirname(f), spec)).split('/')[0];
    if (target === layer || target.startsWith('..')) continue;
    if (!rules.includes(target)) {
      problems.push(`${relative(root, f)}: imports src/${target} (${spec}); src/${layer} may import only ${rules.length ? rules.map((r) => `src/${r}`).join(', ') : 'nothing outside itself'}`);
    }
  }
}
if (problems.length) {
  console.error(`layer check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layer check: ok');
