// The HTTP(S) front: authentication, health, version, discovery, OpenAPI, and the REST verbs over Api.
// Every request is handled inside try/catch so no input can crash or wedge the server.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomInt } from 'node:crypto';
import { badRequest, methodNotSupported, StatusError, unauthorized, unsupportedMediaType, type Status } from '../../api/errors.js';
import type { GVK } from '../../api/gvr.js';
import type { KObject, WatchEventType } from '../../api/object.js';
import type { Api, PatchKind } from '../api.js';
import type { Codec, Validation } from '../codec-bridge.js';
import { makeContext, managerFromUserAgent, type RequestContext, type UserInfo } from '../context.js';
import type { ResourceTable } from '../resources.js';
import { markedForDeletion, type DeleteOptions, type ListOptions } from '../store/store.js';
import { readBody } from './body.js';
import { listJSON } from '../store/codec.js';
import { buildDiscovery, discoveryContentType, negotiateDiscovery } from './discovery.js';
import { parseResourcePath, type ResourceRequest } from './paths.js';
import { kubeletTarget, proxyRequest, proxyUpgrade } from './proxy.js';
import { sendError, sendJson, sendText, toStatusError } from './respond.js';
import { tableRow, printerFor, toTable, wantsTable, type IncludeObject } from './table.js';
import { VERSION_INFO } from './version.js';

export interface ListenOptions {
  port: number;
  host?: string;
  /** Serve HTTPS with this certificate (PEM). Without it the server speaks plain HTTP (tests only). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Maps a bearer token to a user; undefined = rejected. Without it every request is the admin (tests only). */
  authenticate?: (token: string) => UserInfo | undefined;
}

export interface HttpServerHandle { port: number; close(): Promise<void> }

interface ServerDeps {
  now: () => Date;
  log: (msg: string, extra?: object) => void;
  kubeletToken?: string;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);
const PROXY_SUBS = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);
// kubectl asks with '@'; upstream answers with '.' instead, which Go's mime parser accepts.
const OPENAPI_V2_PROTO_ACCEPT = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;
const OPENAPI_V2_PROTO = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const PATCH_TYPES: Record<string, PatchKind> = {
  'application/strategic-merge-patch+json': 'strategic',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
};
const BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/yaml', 'application/x-yaml'];

export async function startHttpServer(api: Api, codec: Codec, table: ResourceTable, opts: ListenOptions & ServerDeps): Promise<HttpServerHandle> {
  const disco = buildDiscovery(table);
  const { now, log } = opts;
  const streams = new Set<ServerResponse>();

  function authenticate(req: IncomingMessage): UserInfo | 'invalid' | undefined {
    if (!opts.authenticate) return { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
    const h = req.headers.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) return 'invalid';
    return opts.authenticate(m[1]!) ?? 'invalid';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    const user = authenticate(req);
    if (user === 'invalid' || (!user && !PUBLIC_PATHS.has(path))) throw unauthorized();
    const method = req.method ?? 'GET';
    switch (path) {
      case '/healthz': case '/livez': case '/readyz':
        return sendText(res, 200, 'ok');
      case '/version': case '/version/':
        return sendJson(res, 200, VERSION_INFO);
      case '/api': case '/api/': {
        const v = negotiateDiscovery(req.headers.accept);
        if (v) return sendJson(res, 200, disco.aggregatedApi(v), undefined, discoveryContentType(v));
        const host = req.socket.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
        return sendJson(res, 200, disco.legacyApi(`${host}:${req.socket.localPort}`));
      }
      case '/apis': case '/apis/': {
        const v = negotiateDiscovery(req.headers.accept);
        if (v) return sendJson(res, 200, disco.aggregatedApis(v), undefined, discoveryContentType(v));
        return sendJson(res, 200, disco.legacyApis);
      }
      case '/openapi/v3': case '/openapi/v3/':
        return sendJson(res, 200, codec.openapiV3Index());
      case '/openapi/v2':
        return openapiV2Doc(req, res);
    }
    if (path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) return sendText(res, 200, 'ok');
    if (path.startsWith('/openapi/v3/')) return openapiDoc(res, path.slice('/openapi/v3/'.length), query);
    // /api/v1 and /apis/<g>[/<v>]
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)\/?$/.exec(path);
    if (m) {
      if (m[1]) return sendJson(res, 200, disco.resourceLists.get('v1')!);
      const doc = m[3] ? disco.resourceLists.get(`${m[2]}/${m[3]}`) : disco.groups.get(m[2]!);
      if (doc) return sendJson(res, 200, doc);
      return sendText(res, 404, '404 page not found');
    }
    const info = parseResourcePath(path, table);
    if (info.type === 'unknownResource') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (info.type !== 'resource') return sendText(res, 404, '404 page not found');
    return handleResource(req, res, info.req, query, user as UserInfo, method);
  }

  /** Upstream serves JSON, or gnostic protobuf when the Accept header names it (kubectl 1.27/1.28 do). */
  async function openapiV2Doc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const doc = await codec.openapiV2(VERSION_INFO.gitVersion);
    if (!doc) return sendText(res, 404, '404 page not found');
    const proto = OPENAPI_V2_PROTO_ACCEPT.test(req.headers.accept ?? '');
    const body = proto ? doc.proto : doc.json;
    res.writeHead(200, { 'Content-Type': proto ? OPENAPI_V2_PROTO : 'application/json', 'Content-Length': body.length, ETag: `"${doc.etag}"`, Vary: 'Accept' });
    res.end(body);
  }

  function openapiDoc(res: ServerResponse, gvPath: string, query: URLSearchParams): void {
    const doc = codec.openapiV3Doc(gvPath.replace(/\/$/, ''));
    if (!doc) return sendText(res, 404, '404 page not found');
    const hash = query.get('hash');
    if (hash && hash !== doc.hash) {
      // Upstream redirects a stale hash to the current document.
      res.writeHead(301, { Location: `/openapi/v3/${gvPath}?hash=${doc.hash}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': doc.body.length,
      ETag: `"${doc.hash}"`,
      'Cache-Control': hash ? 'public, immutable' : 'no-cache, private',
      ...(hash ? { Expires: new Date(Date.now() + 365 * 24 * 3600e3).toUTCString() } : {}),
      Vary: 'Accept',
    });
    res.end(doc.body);
  }

  function contentTypeOf(req: IncomingMessage): string {
    return String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  }

  function fieldValidation(query: URLSearchParams): Validation {
    const v = query.get('fieldValidation');
    if (v === null || v === '') return 'Warn'; // upstream default without the parameter
    if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict"`);
  }

  function context(req: IncomingMessage, query: URLSearchParams, user: UserInfo): RequestContext {
    const dry = query.getAll('dryRun');
    for (const d of dry) if (d !== 'All') throw new StatusError(400, 'BadRequest', `Invalid dry run value: "${d}"`);
    return makeContext(user, now(), {
      dryRun: dry.includes('All'),
      fieldManager: query.get('fieldManager') || managerFromUserAgent(req.headers['user-agent']),
      fieldValidation: fieldValidation(query),
    });
  }

  function decode(body: Buffer, ct: string, gvk: GVK, ctx: RequestContext): KObject {
    if (!BODY_TYPES.includes(ct)) throw unsupportedMediaType(ct);
    const { obj, warnings } = codec.decodeObject(body, ct, gvk, ctx.fieldValidation);
    ctx.warnings.push(...warnings);
    return obj;
  }

  function listOptions(q: URLSearchParams): ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number } {
    const o: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number } = {};
    const ls = q.get('labelSelector'); if (ls) o.labelSelector = ls;
    const fs = q.get('fieldSelector'); if (fs) o.fieldSelector = fs;
    const lim = q.get('limit'); if (lim) { const n = Number(lim); if (Number.isInteger(n) && n > 0) o.limit = n; }
    const c = q.get('continue'); if (c) o.continue = c;
    const rv = q.get('resourceVersion'); if (rv !== null) o.resourceVersion = rv;
    const rvm = q.get('resourceVersionMatch'); if (rvm) o.resourceVersionMatch = rvm;
    if (q.get('allowWatchBookmarks') === 'true') o.allowWatchBookmarks = true;
    const ts = q.get('timeoutSeconds'); if (ts) { const n = Number(ts); if (Number.isFinite(n) && n > 0) o.timeoutSeconds = n; }
    return o;
  }

  function includeObject(q: URLSearchParams): IncludeObject {
    const v = q.get('includeObject');
    return v === 'None' || v === 'Object' ? v : 'Metadata';
  }

  function subKind(rr: ResourceRequest): GVK {
    const { r, sub } = rr;
    switch (sub) {
      case 'scale': return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      case 'eviction': return { group: 'policy', version: 'v1', kind: 'Eviction' };
      case 'binding': return { group: '', version: 'v1', kind: 'Binding' };
      default: return r.gvk;
    }
  }

  function deleteOptions(body: Buffer, ct: string, q: URLSearchParams): DeleteOptions & { dryRun?: string[] } {
    let o: DeleteOptions & { dryRun?: string[] } = {};
    if (body.length) {
      if (ct === 'application/vnd.kubernetes.protobuf') o = codec.decodeProtobuf(body) as unknown as DeleteOptions;
      else {
        try { o = JSON.parse(body.toString('utf8')) as DeleteOptions; } catch (e) { throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`); }
        if (!o || typeof o !== 'object') throw badRequest('the body of the request was not a DeleteOptions');
      }
    }
    const gp = q.get('gracePeriodSeconds'); if (gp !== null && gp !== '') o.gracePeriodSeconds = Number(gp);
    const pp = q.get('propagationPolicy'); if (pp) o.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
    if (q.get('orphanDependents') === 'true') o.orphanDependents = true;
    if (o.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(o.propagationPolicy)) {
      throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    return o;
  }

  function respondObject(req: IncomingMessage, res: ServerResponse, rr: ResourceRequest, q: URLSearchParams, code: number, obj: KObject | Status, ctx?: RequestContext): void {
    if (wantsTable(req.headers.accept) && req.method === 'GET' && !rr.sub && (obj as KObject).metadata) {
      return sendJson(res, code, toTable(rr.r, [obj as KObject], { resourceVersion: undefined }, now(), includeObject(q)), ctx?.warnings);
    }
    sendJson(res, code, obj, ctx?.warnings);
  }

  async function handleResource(req: IncomingMessage, res: ServerResponse, rr: ResourceRequest, q: URLSearchParams, user: UserInfo, method: string): Promise<void> {
    const { r, namespace: ns, name, sub } = rr;
    if (sub && PROXY_SUBS.has(sub) && name) {
      const t = await kubeletTarget(api, rr, q);
      return proxyRequest(req, res, t, opts.kubeletToken, (e) => sendError(res, e, log));
    }
    if (r.namespaced && !ns && name && method !== 'GET') throw notFoundPath();
    const isWatch = rr.watchPath || q.get('watch') === 'true' || q.get('watch') === '1';
    switch (method) {
      case 'GET': {
        if (name && !isWatch) {
          if (!sub && !wantsTable(req.headers.accept)) return sendJson(res, 200, await api.getJSON(r, ns, name));
          return respondObject(req, res, rr, q, 200, await api.get(r, ns, name, sub));
        }
        if (sub) throw notFoundPath();
        const lo = listOptions(q);
        if (name) lo.fieldSelector = [lo.fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
        if (isWatch) return serveWatch(req, res, rr, lo, q);
        if (wantsTable(req.headers.accept)) {
          const list = await api.list(r, ns, lo);
          return sendJson(res, 200, toTable(r, list.items, list.metadata, now(), includeObject(q)));
        }
        // Plain lists are answered from the stored text without parsing each item.
        return sendJson(res, 200, listJSON(await api.list(r, ns, { ...lo, raw: true })));
      }
      case 'POST': {
        const ctx = context(req, q, user);
        const body = await readBody(req);
        const ct = contentTypeOf(req);
        if (name && sub) {
          const obj = decode(body, ct, subKind(rr), ctx);
          const out = await api.createSub(r, ns, name, sub, obj, ctx);
          return sendJson(res, 201, out, ctx.warnings);
        }
        if (name) throw methodNotSupported(r.group, r.resource, 'create');
        if (r.namespaced && !ns && !r.virtual) throw notFoundPath();
        const obj = decode(body, ct, r.gvk, ctx);
        const out = await api.create(r, ns, obj, ctx);
        return sendJson(res, 201, out, ctx.warnings);
      }
      case 'PUT': {
        if (!name) throw methodNotSupported(r.group, r.resource, 'update');
        const ctx = context(req, q, user);
        const body = await readBody(req);
        const obj = decode(body, contentTypeOf(req), subKind(rr), ctx);
        const out = await api.update(r, ns, name, obj, ctx, sub);
        return sendJson(res, out.created ? 201 : 200, out.obj, ctx.warnings);
      }
      case 'PATCH': {
        if (!name) throw methodNotSupported(r.group, r.resource, 'patch');
        const ctx = context(req, q, user);
        const ct = contentTypeOf(req);
        const type = PATCH_TYPES[ct];
        if (!type) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        if (type !== 'apply' && q.has('force')) throw badRequest('force is only allowed for apply patches');
        const body = await readBody(req);
        const out = await api.patch(r, ns, name, type, body, ctx, { sub, force: q.get('force') === 'true', contentType: 'application/yaml' });
        return sendJson(res, out.created ? 201 : 200, out.obj, ctx.warnings);
      }
      case 'DELETE': {
        const ctx = context(req, q, user);
        const body = await readBody(req);
        const dopts = deleteOptions(body, contentTypeOf(req), q);
        if (dopts.dryRun?.includes('All')) ctx.dryRun = true;
        if (!name) {
          if (r.namespaced && !ns) { /* all namespaces: allowed as upstream */ }
          const list = await api.deleteCollection(r, ns, listOptions(q), dopts, ctx);
          return sendJson(res, 200, list, ctx.warnings);
        }
        if (sub) throw methodNotSupported(r.group, `${r.resource}/${sub}`, 'delete');
        const out = await api.delete(r, ns, name, dopts, ctx);
        return sendJson(res, markedForDeletion.has(out) ? 202 : 200, out, ctx.warnings);
      }
      default:
        throw methodNotSupported(r.group, r.resource, method.toLowerCase());
    }
  }

  function notFoundPath(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  function serveWatch(req: IncomingMessage, res: ServerResponse, rr: ResourceRequest, lo: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number }, q: URLSearchParams): void {
    const table = wantsTable(req.headers.accept);
    const include = includeObject(q);
    const printer = table ? printerFor(rr.r) : undefined;
    // Upstream: without timeoutSeconds a watch lasts a random 30–60 minutes (minRequestTimeout × [1, 2)).
    lo.timeoutSeconds ??= 1800 + randomInt(1800);
    let first = true;
    let ended = false;
    const line = (type: WatchEventType, object: KObject): string => {
      if (!table || type === 'ERROR' || type === 'BOOKMARK') {
        let json = serialized.get(object);
        if (!json) { json = JSON.stringify(object); serialized.set(object, json); }
        return `{"type":"${type}","object":${json}}\n`;
      }
      const obj = { ...object, kind: object.kind ?? rr.r.kind, apiVersion: object.apiVersion ?? rr.r.apiVersion };
      const t = {
        kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: object.metadata?.resourceVersion },
        columnDefinitions: first ? printer!.columns : null,
        rows: [tableRow(printer!, obj, now(), include)],
      };
      first = false;
      return `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    streams.add(res);
    const w = api.watch(rr.r, rr.namespace, lo, {
      event: (type, object) => { if (!ended) res.write(line(type, object)); },
      end: () => { if (!ended) { ended = true; streams.delete(res); res.end(); } },
    });
    res.on('close', () => { ended = true; streams.delete(res); w.stop(); });
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const fail = (e: unknown) => {
      const err = toStatusError(e, log);
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const url = req.url ?? '/';
      const qi = url.indexOf('?');
      const path = qi < 0 ? url : url.slice(0, qi);
      const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
      const user = authenticate(req);
      if (!user || user === 'invalid') throw unauthorized();
      const info = parseResourcePath(path, table);
      if (info.type !== 'resource' || !info.req.sub || !PROXY_SUBS.has(info.req.sub) || !info.req.name) throw notFoundPath();
      const t = await kubeletTarget(api, info.req, query);
      proxyUpgrade(req, socket, head, t, opts.kubeletToken, fail);
    } catch (e) { fail(e); }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      try { sendError(res, e, log); } catch { res.destroy(); }
      // Drain an unread body so the connection stays usable.
      if (!req.readableEnded) req.resume();
    });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { void handleUpgrade(req, socket, head); });
  server.on('clientError', (_e, socket) => { try { socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); } catch { /* gone */ } });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of streams) s.end();
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}

/** Watch events are shared between watchers: serialize each object once. */
const serialized = new WeakMap<object, string>();
