// Benchmark: the API server over real HTTPS (bearer token, TLS, keep-alive), in three parts:
//  1. GET of one PersistentVolume by name vs a bare node:https server answering the same bytes with the
//     same headers, driven by the same keep-alive client (target: at least 40 % of the bare server);
//  2. LIST of N PersistentVolumes (target: 10,000 under 300 ms; median of 5);
//  3. W concurrent watchers on configmaps, each receiving every one of E events (time from the first
//     create to the last delivery).
// Runs an in-process API server on a SQLite datastore in a temp dir. Prints one JSON line {"name":"api"}.
//
//   npx tsx bench/api.ts [--seconds 3] [--concurrency 16] [--pvs 10000] [--watchers 200] [--full]
//   (--full: 1,000 watchers)
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../src/apiserver/index.js';
import { openSqliteDatastore } from '../src/datastore/sqlite.js';
import { R } from '../src/api/gvr.js';
import { arg, hasFlag, httpsLoad, median, runMain, selfSignedCert } from './util.js';

export interface ApiBenchResult {
  name: 'api';
  get_per_s: number; bare_get_per_s: number; get_ratio: number; get_target_ratio: number; get_meets_target: boolean;
  get_concurrency: number; get_body_bytes: number;
  list_items: number; list_ms: number; list_bytes: number; list_target_ms: number; list_meets_target: boolean;
  watchers: number; watch_events: number; watch_all_delivered_ms: number; watch_deliveries: number;
}

const TOKEN = 'bench-admin-token';

function pv(i: number) {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: `bench-pv-${String(i).padStart(5, '0')}`, labels: { bench: 'api' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual',
      hostPath: { path: `/mnt/bench/${i}` } },
  };
}

function getOnce(port: number, path: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: { Accept: 'application/json', Authorization: `Bearer ${TOKEN}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
    }).on('error', reject);
  });
}

async function watchers(port: number, n: number, events: number, create: (i: number) => Promise<unknown>): Promise<{ ms: number; deliveries: number }> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: Infinity, rejectUnauthorized: false });
  let deliveries = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => { resolveAll = r; });
  const reqs: ClientRequest[] = [];
  // Each watcher must be connected (its first byte or response headers arrived) before events start.
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((ready, fail) => {
    let seen = 0; let buf = '';
    const req = https.get({ host: '127.0.0.1', port, agent, path: '/api/v1/namespaces/default/configmaps?watch=true&labelSelector=bench%3Dwatch&resourceVersion=', headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      ready();
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          if (line.includes('"ADDED"')) { seen++; deliveries++; if (deliveries === n * events) resolveAll(); }
        }
      });
    });
    req.on('error', (e) => { if (seen < events) fail(e); });
    reqs.push(req);
  })));
  const t0 = performance.now();
  for (let i = 0; i < events; i++) await create(i);
  const timeout = new Promise<void>((r) => setTimeout(r, 60_000));
  await Promise.race([all, timeout]);
  const ms = performance.now() - t0;
  for (const r of reqs) r.destroy();
  agent.destroy();
  return { ms, deliveries };
}

export async function runApiBench(o: { seconds?: number; concurrency?: number; pvs?: number; watchers?: number; events?: number } = {}): Promise<ApiBenchResult> {
  const seconds = o.seconds ?? 3, concurrency = o.concurrency ?? 16, nPv = o.pvs ?? 10_000, nWatch = o.watchers ?? 200, nEvents = o.events ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'stowage-bench-api-'));
  const server = createApiServer({ datastore: openSqliteDatastore(dir) });
  const tls = await selfSignedCert();
  const bare = https.createServer({ ...tls, keepAlive: true });
  try {
    await server.ready();
    const { port } = await server.listen({ port: 0, host: '127.0.0.1', tls, authenticate: (t) => (t === TOKEN ? { username: 'admin', groups: ['system:masters', 'system:authenticated'] } : undefined) });
    const client = server.client();
    for (let i = 0; i < nPv; i += 200) await Promise.all(Array.from({ length: Math.min(200, nPv - i) }, (_x, j) => client.create(R.persistentvolumes, undefined, pv(i + j))));

    // 1. GET by name, and the bare server answering the very same bytes and content type.
    const path = '/api/v1/persistentvolumes/bench-pv-00000';
    const sample = await getOnce(port, path);
    if (sample.status !== 200) throw new Error(`GET ${path}: HTTP ${sample.status}`);
    bare.on('request', (_req, res) => { res.writeHead(200, { 'Content-Type': sample.headers['content-type'] ?? 'application/json', 'Content-Length': sample.body.length }); res.end(sample.body); });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const barePort = (bare.address() as { port: number }).port;
    // Alternate halves so both sides see the same machine load (the machine is shared).
    const half = seconds / 2;
    const a1 = await httpsLoad({ port, path, token: TOKEN, concurrency, seconds: half });
    const b1 = await httpsLoad({ port: barePort, path, token: TOKEN, concurrency, seconds: half });
    const b2 = await httpsLoad({ port: barePort, path, token: TOKEN, concurrency, seconds: half });
    const a2 = await httpsLoad({ port, path, token: TOKEN, concurrency, seconds: half });
    const api = (a1.requests + a2.requests) / (a1.seconds + a2.seconds);
    const base = (b1.requests + b2.requests) / (b1.seconds + b2.seconds);

    // 2. LIST of every PV.
    const times: number[] = []; let listBytes = 0; let listItems = 0;
    for (let i = 0; i < 5; i++) {
      const r = await getOnce(port, '/api/v1/persistentvolumes');
      times.push(r.ms); listBytes = r.body.length; listItems = (JSON.parse(r.body.toString()) as { items: unknown[] }).items.length;
    }
    const listMs = median(times);

    // 3. Watch fan-out.
    const w = await watchers(port, nWatch, nEvents, (i) => client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-watch-${i}`, labels: { bench: 'watch' } }, data: { i: String(i) } }));

    const ratio = api / base;
    return {
      name: 'api',
      get_per_s: Math.round(api), bare_get_per_s: Math.round(base), get_ratio: Math.round(ratio * 1000) / 1000, get_target_ratio: 0.4, get_meets_target: ratio >= 0.4,
      get_concurrency: concurrency, get_body_bytes: sample.body.length,
      list_items: listItems, list_ms: Math.round(listMs * 10) / 10, list_bytes: listBytes, list_target_ms: 300, list_meets_target: listItems >= 10_000 && listMs < 300,
      watchers: nWatch, watch_events: nEvents, watch_all_delivered_ms: Math.round(w.ms * 10) / 10, watch_deliveries: w.deliveries,
    };
  } finally {
    bare.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(import.meta.url, () => runApiBench({
  seconds: arg('seconds') ? Number(arg('seconds')) : undefined,
  concurrency: arg('concurrency') ? Number(arg('concurrency')) : undefined,
  pvs: arg('pvs') ? Number(arg('pvs')) : undefined,
  watchers: arg('watchers') ? Number(arg('watchers')) : hasFlag('full') ? 1000 : undefined,
}));
