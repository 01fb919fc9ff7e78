// Proxies pods/log|exec|attach|portforward and nodes/<name>/proxy to the node's kubelet endpoint, as
// kube-apiserver does: https://<InternalIP>:<kubeletEndpoint.Port>/<kubelet path>, bearer token, no TLS
// verification (upstream without --kubelet-certificate-authority). Upgrades (WebSocket, SPDY) are piped raw.
// Upstream: pkg/registry/core/pod/rest/log.go, subresources.go; pkg/registry/core/pod/strategy.go
// (LogLocation, ExecLocation, PortForwardLocation); pkg/registry/core/node/rest/proxy.go.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, notFound, StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import type { Api } from '../api.js';
import type { ResourceRequest } from './paths.js';

interface PodSpec { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] }
interface NodeStatus { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } }

export interface KubeletTarget { host: string; port: number; path: string }

async function nodeEndpoint(api: Api, nodeName: string): Promise<{ host: string; port: number }> {
  const nodes = api.table.lookup('', 'v1', 'nodes')!;
  const node = await api.get(nodes, undefined, nodeName);
  const st = (node.status ?? {}) as NodeStatus;
  const addr = st.addresses?.find((a) => a.type === 'InternalIP')?.address ?? st.addresses?.find((a) => a.type === 'Hostname')?.address;
  const port = st.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!addr || !port) throw new StatusError(503, 'ServiceUnavailable', `no preferred addresses found; known addresses: []`);
  return { host: addr, port };
}

/** Upstream validateContainer / container defaulting for log, exec and attach. */
function containerFor(pod: KObject, requested: string | null, name: string): string {
  const spec = (pod.spec ?? {}) as PodSpec;
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = (spec.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0]!;
  const init = (spec.initContainers ?? []).map((c) => c.name);
  let msg = `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`;
  if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
  throw badRequest(msg);
}

/** Where a proxied request goes on the kubelet. */
export async function kubeletTarget(api: Api, rr: ResourceRequest, query: URLSearchParams): Promise<KubeletTarget> {
  const { r, namespace, name, sub } = rr;
  if (r.group === '' && r.resource === 'nodes' && sub === 'proxy') {
    const ep = await nodeEndpoint(api, name!);
    const q = query.toString();
    return { ...ep, path: `/${rr.rest ?? ''}${q ? `?${q}` : ''}` };
  }
  if (!(r.group === '' && r.resource === 'pods')) throw notFound(r.group, `${r.resource}/${sub}`, name ?? '');
  const pod = await api.get(r, namespace, name!);
  const spec = (pod.spec ?? {}) as PodSpec;
  if (!spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const ep = await nodeEndpoint(api, spec.nodeName);
  const ns = encodeURIComponent(namespace ?? '');
  const pn = encodeURIComponent(name!);
  switch (sub) {
    case 'log': {
      const c = containerFor(pod, query.get('container'), name!);
      const q = new URLSearchParams(query);
      q.delete('container');
      const qs = q.toString();
      return { ...ep, path: `/containerLogs/${ns}/${pn}/${encodeURIComponent(c)}${qs ? `?${qs}` : ''}` };
    }
    case 'exec': case 'attach': {
      const c = containerFor(pod, query.get('container'), name!);
      const qs = query.toString();
      return { ...ep, path: `/${sub}/${ns}/${pn}/${encodeURIComponent(c)}${qs ? `?${qs}` : ''}` };
    }
    case 'portforward': {
      const qs = query.toString();
      return { ...ep, path: `/portForward/${ns}/${pn}${qs ? `?${qs}` : ''}` };
    }
  }
  throw notFound(r.group, `${r.resource}/${sub}`, name ?? '');
}

const HOP = new Set(['authorization', 'host', 'connection', 'keep-alive', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardHeaders(req: IncomingMessage, token: string | undefined, upgrade: boolean): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) h[k] = v;
  if (token) h.authorization = `Bearer ${token}`;
  if (upgrade) { h.connection = 'Upgrade'; h.upgrade = String(req.headers.upgrade ?? ''); }
  return h;
}

/** Plain request (logs, follow, node proxy): streamed both ways. */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, t: KubeletTarget, token: string | undefined, onError: (e: unknown) => void): void {
  const up = https.request({ host: t.host, port: t.port, path: t.path, method: req.method, headers: forwardHeaders(req, token, false), rejectUnauthorized: false }, (kres) => {
    const headers = { ...kres.headers };
    delete headers.connection;
    res.writeHead(kres.statusCode ?? 502, headers);
    res.flushHeaders();
    kres.pipe(res);
  });
  up.on('error', (e) => onError(new StatusError(500, 'InternalError', `error trying to reach service: ${e.message}`)));
  res.on('close', () => up.destroy());
  req.pipe(up);
}

/** Upgrade (WebSocket or SPDY): forward the request, relay the kubelet's answer, then pipe the sockets. */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, t: KubeletTarget, token: string | undefined, onError: (e: StatusError) => void): void {
  const up = https.request({ host: t.host, port: t.port, path: t.path, method: req.method, headers: forwardHeaders(req, token, true), rejectUnauthorized: false });
  up.on('upgrade', (kres, ksock, khead) => {
    let out = `HTTP/1.1 ${kres.statusCode} ${kres.statusMessage ?? 'Switching Protocols'}\r\n`;
    for (let i = 0; i < kres.rawHeaders.length; i += 2) out += `${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}\r\n`;
    socket.write(out + '\r\n');
    if (khead.length) socket.write(khead);
    if (head.length) ksock.write(head);
    ksock.pipe(socket).pipe(ksock);
    const close = () => { ksock.destroy(); socket.destroy(); };
    ksock.on('error', close); socket.on('error', close); ksock.on('close', close); socket.on('close', close);
  });
  up.on('response', (kres) => {
    // The kubelet refused the upgrade: relay its answer as a normal response.
    let out = `HTTP/1.1 ${kres.statusCode} ${kres.statusMessage ?? ''}\r\n`;
    for (let i = 0; i < kres.rawHeaders.length; i += 2) {
      const k = kres.rawHeaders[i]!.toLowerCase();
      if (k !== 'connection' && k !== 'transfer-encoding') out += `${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}\r\n`;
    }
    const chunks: Buffer[] = [];
    kres.on('data', (c: Buffer) => chunks.push(c));
    kres.on('end', () => {
      const body = Buffer.concat(chunks);
      socket.end(out + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.toString('latin1'), 'latin1');
    });
  });
  up.on('error', (e) => onError(new StatusError(500, 'InternalError', `error trying to reach service: ${e.message}`)));
  socket.on('error', () => up.destroy());
  up.end();
}
