// One probe attempt: exec (exit 0 inside the container), httpGet (2xx/3xx), tcpSocket (connects).
// Pods share the node's network, so ports are reached on 127.0.0.1 unless the probe names a host.
// Upstream: pkg/kubelet/prober (prober.go runProbe), pkg/probe/{exec,http,tcp}
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { Container } from './types.js';
import { execInSandbox, type ExecTarget } from '../runtime/exec.js';

export interface ProbeResult { ok: boolean; output: string }

function portOf(c: Container, p: number | string): number {
  if (typeof p === 'number') return p;
  const named = c.ports?.find((x) => x.name === p);
  return named?.containerPort ?? Number(p);
}

export async function runProbe(p: IProbe, c: Container, target: ExecTarget | undefined): Promise<ProbeResult> {
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
    return new Promise((resolve) => {
      const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32' };
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      const req = (scheme === 'https' ? https : http).get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => { req.destroy(); resolve({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }); });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, output: `Get "${url}": dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    });
  }
  if (p.tcpSocket) {
    const port = portOf(c, p.tcpSocket.port);
    const host = p.tcpSocket.host || '127.0.0.1';
    return new Promise((resolve) => {
      const s = net.connect({ port, host, timeout: timeoutMs });
      s.on('connect', () => { s.destroy(); resolve({ ok: true, output: '' }); });
      s.on('timeout', () => { s.destroy(); resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }); });
      s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, output: `dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    });
  }
  return { ok: true, output: '' };
}
