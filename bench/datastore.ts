// Benchmark: creates/s through the SQLite datastore vs raw better-sqlite3 single-row insert transactions
// on the same disk in the same run (target: the backend reaches at least 50% of raw), plus the time to
// LIST 10,000 keys under a prefix. Prints one JSON line {"name":"datastore-writes", ...}.
//
//   npx tsx bench/datastore.ts [--seconds 4] [--dir /path/on/the/disk/to/measure]
// Each side runs about `seconds` (in alternating rounds); total is about 2 × seconds plus filling 10,000 keys for the LIST (well under 20 s by default).

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openSqliteDatastore } from '../src/datastore/sqlite.js';

export interface DatastoreBenchResult {
  name: 'datastore-writes';
  backend_creates_per_s: number;
  raw_inserts_per_s: number;
  ratio: number;
  target_ratio: number;
  meets_target: boolean;
  list_10k_ms: number;
  value_bytes: number;
  seconds_per_side: number;
}

/** A PersistentVolume-sized JSON value (~1 KiB), so the comparison writes the same bytes as a real cluster. */
function sampleValue(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: `pv-${i}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, labels: { bench: 'true' },
      annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-path', hostPath: { path: `/var/lib/stowage/local-path/pvc-${i}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } } },
    status: { phase: 'Available' },
    pad: 'x'.repeat(300),
  });
}

/** Keys in scattered order, like generated names and UIDs (a sequential counter would flatter b-trees). */
function benchKey(i: number): string {
  return `/registry/persistentvolumes/pv-${((i * 2654435761) % 4294967296).toString(16).padStart(8, '0')}`;
}

/** Raw better-sqlite3: one single-row INSERT per transaction into an ordinary table, same pragmas. */
function openRaw(dir: string): { insert(i: number): void; close(): void } {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  const tx = db.transaction((k: string, v: string) => { insert.run(k, v); });
  return { insert: (i) => { tx.immediate(benchKey(i), sampleValue(i)); }, close: () => db.close() };
}

/**
 * Alternates short rounds of raw inserts and backend creates so both see the same machine load (the
 * machine is shared; sequential phases measured load swings, not the datastore).
 */
async function measure(dir: string, seconds: number): Promise<{ raw: number; backend: number; list10kMs: number }> {
  const raw = openRaw(dir);
  const ds = openSqliteDatastore(dir, 'backend.db');
  try {
    const roundMs = 250;
    const rounds = Math.max(2, Math.round((seconds * 1000) / roundMs)); // per side
    let rawN = 0, rawMs = 0, dsN = 0, dsMs = 0;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      while (performance.now() - t0 < roundMs) for (let j = 0; j < 50; j++) raw.insert(rawN++);
      rawMs += performance.now() - t0;
      t0 = performance.now();
      while (performance.now() - t0 < roundMs) for (let j = 0; j < 50; j++) await ds.create(benchKey(dsN), sampleValue(dsN++));
      dsMs += performance.now() - t0;
    }
    const backendRate = dsN / (dsMs / 1000);
    const rawRate = rawN / (rawMs / 1000);
    for (; dsN < 10_000; dsN++) await ds.create(benchKey(dsN), sampleValue(dsN));
    const t0 = performance.now();
    const list = await ds.range('/registry/persistentvolumes/', { limit: 10_000 });
    const list10kMs = performance.now() - t0;
    if (list.kvs.length !== 10_000) throw new Error(`LIST returned ${list.kvs.length} keys, expected 10000`);
    return { raw: rawRate, backend: backendRate, list10kMs };
  } finally {
    raw.close();
    await ds.close();
  }
}

export async function runDatastoreBench(opts: { seconds?: number; dir?: string } = {}): Promise<DatastoreBenchResult> {
  const seconds = opts.seconds ?? 4;
  const dir = mkdtempSync(join(opts.dir ?? tmpdir(), 'stowage-bench-datastore-'));
  try {
    const m = await measure(dir, seconds);
    const ratio = m.backend / m.raw;
    return {
      name: 'datastore-writes',
      backend_creates_per_s: Math.round(m.backend),
      raw_inserts_per_s: Math.round(m.raw),
      ratio: Math.round(ratio * 1000) / 1000,
      target_ratio: 0.5,
      meets_target: ratio >= 0.5,
      list_10k_ms: Math.round(m.list10kMs * 10) / 10,
      value_bytes: Buffer.byteLength(sampleValue(0)),
      seconds_per_side: seconds,
    };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = arg('seconds') ? Number(arg('seconds')) : undefined;
  const result = await runDatastoreBench({ seconds, dir: arg('dir') });
  console.log(JSON.stringify(result));
}
