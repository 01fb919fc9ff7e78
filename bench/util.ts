// Small helpers the benchmarks in bench/ share: argument lookup, a throwaway TLS certificate, a
// keep-alive HTTPS load loop, and "run main when executed directly".
import https from 'node:https';
import { pathToFileURL } from 'node:url';
import { generate } from 'selfsigned';

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
export const hasFlag = (name: string) => process.argv.includes(`--${name}`);

export function isMain(metaUrl: string): boolean {
  return metaUrl === pathToFileURL(process.argv[1] ?? '').href;
}

/** Prints the one JSON line bench/run.ts reads, then exits (servers and agents may hold the loop open). */
export function runMain<T>(metaUrl: string, fn: () => Promise<T>): void {
  if (!isMain(metaUrl)) return;
  fn().then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); process.exit(0); }, (e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
}

export async function selfSignedCert(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 } as never);
  return { cert: pems.cert, key: pems.private };
}

export interface LoadResult { requests: number; seconds: number; perSecond: number; errors: number }

/**
 * `concurrency` loops each sending GET `path` back to back over keep-alive HTTPS connections for
 * `seconds`; the same client code measures the API server and its bare baseline.
 */
export async function httpsLoad(o: { port: number; path: string; token?: string; concurrency: number; seconds: number }): Promise<LoadResult> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.concurrency, rejectUnauthorized: false });
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  let requests = 0, errors = 0;
  const end = Date.now() + o.seconds * 1000;
  const one = () => new Promise<void>((resolve) => {
    const req = https.request({ host: '127.0.0.1', port: o.port, path: o.path, agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => { if (res.statusCode === 200) requests++; else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end();
  });
  const t0 = Date.now();
  await Promise.all(Array.from({ length: o.concurrency }, async () => { while (Date.now() < end) await one(); }));
  const seconds = (Date.now() - t0) / 1000;
  agent.destroy();
  return { requests, seconds, perSecond: requests / seconds, errors };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}
