// Serves the OpenAPI v3 documents scripts/gen-openapi.ts generated (generated/openapi/): the index and one
// document per group-version, each with the hex SHA-512 of its body that kubectl uses as cache key.
// Upstream: k8s.io/kube-openapi/pkg/handler3 (index with serverRelativeURL ?hash=, immutable per-GV docs).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDir } from './schema.js';

interface Doc { body: Buffer; hash: string }
let docs: Map<string, Doc> | undefined;

function load(): Map<string, Doc> {
  if (docs) return docs;
  const dir = join(generatedDir(), 'openapi');
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`stowage: ${manifestFile} is missing; run \`npm run setup\` (it runs scripts/gen-openapi)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
  docs = new Map();
  for (const [gv, file] of Object.entries(manifest)) {
    const body = readFileSync(join(dir, file));
    docs.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  return docs;
}

export function openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, d] of load()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
  return { paths };
}

/** Every group-version's document body (the v2 document is made from their schemas). */
export function allOpenapiV3Docs(): Buffer[] { return [...load().values()].map((d) => d.body); }

// gvPath is 'api/v1' or 'apis/<group>/<version>'; hash is the hex SHA-512 of body (used in ?hash= and ETag).
export function openapiV3Doc(gvPath: string): { body: Buffer; hash: string } | undefined {
  return load().get(gvPath.replace(/^\/+|\/+$/g, ''));
}
