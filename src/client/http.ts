// The Client over HTTPS: bearer token, the cluster CA, keep-alive connections; watches are read as a
// stream of newline-delimited JSON events. Used by `stowage agent` and remote tools.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { GVR } from '../api/gvr.js';
import { resourcePath } from '../api/gvr.js';
import type { KList, KObject, WatchEvent } from '../api/object.js';
import { StatusError, type Status } from '../api/errors.js';
import type { Client, DeleteOptions, ListOptions, PatchOptions, PatchType, WatchHandle, WatchOptions, WriteOptions } from './types.js';

export interface HttpClientOptions {
  /** https://host:port (http:// for tests). */
  server: string;
  token?: string;
  /** PEM of the CA that signed the server certificate. */
  ca?: string | Buffer;
  /** Skip server certificate verification (tests only). */
  insecure?: boolean;
  userAgent?: string;
  /** Per-request timeout in ms for non-watch requests (default 60 s). */
  timeoutMs?: number;
}

const PATCH_CT: Record<PatchType, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

function query(o: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function listQuery(o: ListOptions = {}): Record<string, string | number | undefined> {
  return { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue, resourceVersion: o.resourceVersion, resourceVersionMatch: o.resourceVersionMatch };
}

function writeQuery(o: WriteOptions = {}): Record<string, string | undefined> {
  return { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation };
}

export class HttpClient implements Client {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof https | typeof http;

  constructor(private readonly opts: HttpClientOptions) {
    this.url = new URL(opts.server);
    const isHttps = this.url.protocol === 'https:';
    this.mod = isHttps ? https : http;
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ca: opts.ca, rejectUnauthorized: !opts.insecure })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** A client from a kubeconfig file (its current context; token and CA data). */
  static fromKubeconfig(path: string): HttpClient {
    const kc = parseYaml(readFileSync(path, 'utf8')) as {
      'current-context'?: string;
      contexts?: { name: string; context: { cluster: string; user: string } }[];
      clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
      users?: { name: string; user: { token?: string } }[];
    };
    const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
    const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster;
    const user = kc.users?.find((u) => u.name === ctx?.context.user)?.user;
    if (!cluster) throw new Error(`kubeconfig ${path}: no cluster`);
    const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64') : undefined;
    return new HttpClient({ server: cluster.server, token: user?.token, ca, insecure: cluster['insecure-skip-tls-verify'] });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.opts.userAgent ?? 'stowage/v0.1.0', ...extra };
    if (this.opts.token) h.Authorization = `Bearer ${this.opts.token}`;
    return h;
  }

  private request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = this.mod.request({
        protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, method, path, agent: this.agent,
        headers: this.headers(data ? { 'Content-Type': contentType, 'Content-Length': String(data.length) } : {}),
        timeout: this.opts.timeoutMs ?? 60_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) { resolve(parsed as T); return; }
          const st = parsed as Partial<Status> | undefined;
          if (st && st.kind === 'Status') reject(StatusError.fromStatus({ ...st, code: st.code ?? code }));
          else reject(new StatusError(code, code === 404 ? 'NotFound' : 'InternalError', text.trim() || `HTTP ${code}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`request timed out: ${method} ${path}`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  get<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(gvr, namespace, name));
  }

  list<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts?: ListOptions): Promise<KList<T>> {
    return this.request<KList<T>>('GET', resourcePath(gvr, namespace) + query(listQuery(opts)));
  }

  watch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const path = resourcePath(gvr, namespace) + query({
      ...listQuery(opts), watch: 'true', allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined, timeoutSeconds: opts.timeoutSeconds,
    });
    let stopped = false;
    let req: http.ClientRequest | undefined;
    const done = new Promise<void>((resolve, reject) => {
      req = this.mod.request({
        protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, method: 'GET', path, agent: this.agent, headers: this.headers(),
      }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try { reject(StatusError.fromStatus(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Status)); }
            catch { reject(new StatusError(res.statusCode ?? 500, 'InternalError', `watch failed: HTTP ${res.statusCode}`)); }
          });
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line.trim() || stopped) continue;
            try { onEvent(JSON.parse(line) as WatchEvent<T>); } catch (e) { if (e instanceof SyntaxError) continue; throw e; }
          }
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
        res.on('error', (e) => (stopped ? resolve() : reject(e)));
      });
      req.on('error', (e) => (stopped ? resolve() : reject(e)));
      req.end();
    });
    return { stop: () => { stopped = true; req?.destroy(); }, done };
  }

  create<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.request<T>('POST', resourcePath(gvr, ns) + query(writeQuery(opts)), obj);
  }

  update<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, obj: KObject, opts?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata?.namespace;
    return this.request<T>('PUT', resourcePath(gvr, ns, obj.metadata.name, opts?.subresource) + query(writeQuery(opts)), obj);
  }

  patch<T extends KObject = KObject>(gvr: GVR, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<T> {
    const q = { ...writeQuery(opts), force: type === 'apply' && opts?.force ? 'true' : undefined, fieldManager: opts?.fieldManager ?? (type === 'apply' ? 'stowage' : undefined) };
    return this.request<T>('PATCH', resourcePath(gvr, namespace, name, opts?.subresource) + query(q), patch, PATCH_CT[type]);
  }

  delete(gvr: GVR, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KObject | Status> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts?.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts?.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts?.preconditions) body.preconditions = opts.preconditions;
    if (opts?.dryRun) body.dryRun = ['All'];
    return this.request<KObject | Status>('DELETE', resourcePath(gvr, namespace, name), body);
  }

  createSubresource(gvr: GVR, namespace: string | undefined, name: string, subresource: string, body: KObject, opts?: WriteOptions): Promise<KObject | Status> {
    return this.request<KObject | Status>('POST', resourcePath(gvr, namespace, name, subresource) + query(writeQuery(opts)), body);
  }

  /** Closes idle keep-alive connections. */
  close(): void { this.agent.destroy(); }
}
