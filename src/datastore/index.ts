// Opening a datastore from a spec string (`sqlite`, `memory`, `etcd://host:port[,host:port…]`) and the
// periodic compactor. Backends register themselves by scheme when their module is imported (registry.ts).

import type { Datastore } from './types.js';
import { datastoreFactory, registeredSchemes } from './registry.js';
import './memory.js';
import './sqlite.js';

/**
 * Backends loaded only when a spec names them: the etcd client (with gRPC) costs ~140 ms to import, which
 * would otherwise be paid by every `up` on SQLite. Each still registers itself from its own module.
 */
const onDemand: Record<string, () => Promise<unknown>> = {
  etcd: () => import('./etcd.js'),
};

export type { Datastore } from './types.js';
export { createMemoryDatastore } from './memory.js';
export { registerDatastore } from './registry.js';
export { startAutoCompaction, type AutoCompactionOptions } from './compaction.js';

/**
 * Opens the datastore named by spec. A bare word is a scheme (`sqlite` is the default, `memory`);
 * anything with `://` is parsed as a URL whose scheme picks the backend.
 */
export async function openDatastore(spec: string, opts: { dataDir: string }): Promise<Datastore> {
  const text = spec.trim() === '' ? 'sqlite' : spec.trim();
  const url = new URL(text.includes(':') ? text : `${text}:`);
  const scheme = url.protocol.replace(/:$/, '');
  if (!datastoreFactory(scheme)) await onDemand[scheme.toLowerCase()]?.();
  const factory = datastoreFactory(scheme);
  if (!factory) {
    const known = [...new Set([...registeredSchemes(), ...Object.keys(onDemand)])].sort();
    throw new Error(`unknown datastore "${spec}": expected one of ${known.map((s) => `"${s}"`).join(', ')}`);
  }
  return factory(url, opts);
}
