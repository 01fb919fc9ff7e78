// Backends by URL scheme. Each backend module registers itself on import, so adding one touches no other
// file except the import list in index.ts.

import type { DatastoreFactory } from './types.js';

const factories = new Map<string, DatastoreFactory>();

/** Registers the factory for `scheme` (without the trailing colon, e.g. 'sqlite', 'etcd'). */
export function registerDatastore(scheme: string, factory: DatastoreFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

export function datastoreFactory(scheme: string): DatastoreFactory | undefined {
  return factories.get(scheme.toLowerCase());
}

export function registeredSchemes(): string[] {
  return [...factories.keys()].sort();
}
