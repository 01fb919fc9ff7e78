// pods/exec through the API server over WebSocket (v5.channel.k8s.io, falling back to v4), as kubectl
// 1.30+ does: every binary message starts with its channel byte (1 stdout, 2 stderr, 3 status).
// Upstream: staging/src/k8s.io/client-go/tools/remotecommand/websocket.go, v4 error decoder
import { WebSocket } from 'ws';
import { resourcePath, R } from '../api/gvr.js';
import type { ClusterAccess } from './kubeconfig.js';

export interface ExecResult { stdout: string; stderr: string; exitCode: number; message?: string }

export interface ExecOptions {
  container?: string;
  signal?: AbortSignal;
  /** Called with each stderr chunk as it arrives (progress). */
  onStderr?: (chunk: string) => void;
}

interface StreamStatus { status?: 'Success' | 'Failure'; message?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } }

export function execUrl(access: ClusterAccess, namespace: string, pod: string, command: string[], container?: string): string {
  const u = new URL(access.server);
  u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
  u.pathname = resourcePath(R.pods, namespace, pod, 'exec');
  for (const c of command) u.searchParams.append('command', c);
  if (container) u.searchParams.set('container', container);
  u.searchParams.set('stdout', 'true');
  u.searchParams.set('stderr', 'true');
  return u.toString();
}

/** Runs command in the pod and resolves when it ends (a non-zero exit is a result, not an error). */
export function execInPod(access: ClusterAccess, namespace: string, pod: string, command: string[], o: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(execUrl(access, namespace, pod, command, o.container), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
      headers: access.token ? { Authorization: `Bearer ${access.token}` } : {},
      ca: access.ca, rejectUnauthorized: !access.insecure, maxPayload: 256 * 1024 * 1024,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let status: StreamStatus | undefined;
    let upgradeError: string | undefined;
    const onAbort = () => ws.terminate();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('unexpected-response', (_req, res) => {
      const body: Buffer[] = [];
      res.on('data', (c: Buffer) => body.push(c));
      res.on('end', () => {
        const text = Buffer.concat(body).toString('utf8');
        try { upgradeError = (JSON.parse(text) as { message?: string }).message ?? text; } catch { upgradeError = text || `HTTP ${res.statusCode}`; }
        ws.terminate();
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = isBinary ? data : Buffer.from(data);
      if (m.length === 0) return;
      const payload = m.subarray(1);
      switch (m[0]) {
        case 1: out.push(payload); break;
        case 2: err.push(payload); o.onStderr?.(payload.toString('utf8')); break;
        case 3: try { status = JSON.parse(payload.toString('utf8')) as StreamStatus; } catch { /* ignore a torn status */ } break;
        default: break;
      }
    });
    ws.on('error', (e) => { if (!upgradeError) upgradeError = e.message; });
    ws.on('close', () => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) { reject(o.signal.reason instanceof Error ? o.signal.reason : new Error('interrupted')); return; }
      if (upgradeError !== undefined && !status) { reject(new Error(`exec in pod ${namespace}/${pod}: ${upgradeError}`)); return; }
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (!status || status.status === 'Success') { resolve({ stdout, stderr, exitCode: 0 }); return; }
      const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
      resolve({ stdout, stderr, exitCode: Number.isFinite(code) ? code : 1, message: status.message });
    });
  });
}
