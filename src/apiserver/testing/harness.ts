// Test helpers: an API server over the in-memory datastore (unit tests only) and a small clock.
import { createMemoryDatastore } from '../../datastore/memory.js';
import { createApiServer, type ApiServer } from '../index.js';

export async function memoryServer(now?: () => Date): Promise<ApiServer> {
  const s = createApiServer({ datastore: createMemoryDatastore(), now });
  await s.ready();
  return s;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until fn returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => T | Promise<T>, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}
