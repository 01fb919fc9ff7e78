// One probe attempt: exec (exit 0 inside the container), httpGet (2xx/3xx), tcpSocket (connects).
// Without a host, the probe connects to 127.0.0.1 in the pod's network namespace (through the nc relay of
// runtime/netdial.ts) — the pod IP is the node's address and there is no pod network, so the pod's own
// loopback is where its ports are. hostNetwork pods, and probes that name a host, connect from the node.
// Upstream: pkg/kubelet/prober (prober.go runProbe), pkg/probe/{exec,http,tcp}
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { Container } from './types.js';
import { execInSandbox, type ExecTarget } from '../runtime/exec.js';
import { dialInNamespace, tcpCheckInNamespace } from '../runtime/netdial.js';

export interface ProbeResult { ok: boolean; output: string }

function portOf(c: Container, p: number | string): number {
  if (typeof p === 'number') return p;
  const named = c.ports?.find((x) => x.name === p);
  return named?.containerPort ?? Number(p);
}

/** netns: the pod's network namespace (undefined: the node's network). */
export async function runProbe(p: IProbe, c: Container, target: ExecTarget | undefined, netns?: string): Promise<ProbeResult> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  if (p.exec) {
    if (!target) return { ok: false, output: 'container is not running' };
    return new Promise((resolve) => {
      const child = execInSandbox(target, p.exec!.command ?? []);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d; });
      child.stderr!.on('data', (d: Buffer) => { out += d; });
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ ok: false, output: `command timed out after ${p.timeoutSeconds ?? 1}s` }); }, timeoutMs);
      child.on('close', (code) => { clearTimeout(timer); resolve({ ok: code === 0, output: out }); });
    });
  }
  if (p.httpGet) {
    const g = p.httpGet;
    const port = portOf(c, g.port);
    const host = g.host || '127.0.0.1';
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${g.path ?? '/'}`;
    const inPod = netns && !g.host;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: ProbeResult) => { if (!done) { done = true; clearTimeout(timer); resolve(r); } };
      const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32' };
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      // In the pod's namespace the connection is the relay (TLS for https is layered on it here). No agent:
      // with one, Node would ignore createConnection; without, every probe is a new connection as upstream.
      const createConnection = !inPod ? undefined : scheme === 'https'
        ? () => tls.connect({ socket: dialInNamespace(netns, port), rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) })
        : () => dialInNamespace(netns, port) as unknown as net.Socket;
      const req = (scheme === 'https' ? https : http).get(url, { headers, rejectUnauthorized: false, ...(createConnection ? { createConnection } : { agent: false }) }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        finish(code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      // Upstream: pkg/probe/http/http.go (Client.Timeout covers connect and headers)
      const timer = setTimeout(() => { finish({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }); req.destroy(); }, timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const why = e.message.startsWith('dial tcp ') ? e.message : e.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : e.message;
        finish({ ok: false, output: `Get "${url}": ${why}` });
      });
    });
  }
  if (p.tcpSocket) {
    const port = portOf(c, p.tcpSocket.port);
    const host = p.tcpSocket.host || '127.0.0.1';
    if (netns && !p.tcpSocket.host) return tcpCheckInNamespace(netns, port, p.timeoutSeconds ?? 1);
    return new Promise((resolve) => {
      const s = net.connect({ port, host, timeout: timeoutMs });
      s.on('connect', () => { s.destroy(); resolve({ ok: true, output: '' }); });
      s.on('timeout', () => { s.destroy(); resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }); });
      s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, output: `dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    });
  }
  return { ok: true, output: '' };
}
