// The kubelet's HTTPS API that the API server proxies to: container logs, exec, attach, port-forward,
// and the read-only /healthz and /pods. Every request must carry the kubelet bearer token.
// Upstream: pkg/kubelet/server/server.go (getContainerLogs, getExec, getAttach, getPortForward)
import https from 'node:https';
import net from 'node:net';
import { createWriteStream, existsSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable, type Duplex } from 'node:stream';
import { acceptRemoteCommand, streamOptions, type StreamSession } from '../../streams/remotecommand.js';
import { acceptPortForward } from '../../streams/portforward.js';
import { exitStatus, failureStatus } from '../../streams/status.js';
import { execInSandbox, resizeExecTty } from '../runtime/exec.js';
import { containerLogPath, streamLog, type LogOptions } from '../runtime/logs.js';
import { stdinFifoPath } from '../runtime/sandbox.js';
import type { PodWorker } from '../pods/worker.js';

export interface KubeletServerOptions {
  token: string;
  address: string;
  /** Where the serving certificate is kept (<nodeRoot>/var/lib/kubelet/pki). */
  pkiDir: string;
  findPod(namespace: string, name: string): PodWorker | undefined;
  listPods(): PodWorker[];
  log: (m: string, x?: object) => void;
  now: () => Date;
}

class HttpError extends Error { constructor(readonly code: number, message: string, readonly reason = 'BadRequest') { super(message); } }

function sendStatus(res: ServerResponse, e: HttpError): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code });
  res.writeHead(e.code, { 'Content-Type': 'application/json' }).end(body);
}

function authorized(req: IncomingMessage, token: string): boolean {
  return req.headers.authorization === `Bearer ${token}`;
}

function lookup(o: KubeletServerOptions, ns: string, name: string, container?: string): { w: PodWorker; container: string } {
  const w = o.findPod(decodeURIComponent(ns), decodeURIComponent(name));
  if (!w) throw new HttpError(404, `pods "${decodeURIComponent(name)}" not found`, 'NotFound');
  const c = container ? decodeURIComponent(container) : w.pod.spec?.containers[0]?.name ?? '';
  const known = [...(w.pod.spec?.containers ?? []), ...(w.pod.spec?.initContainers ?? []), ...(w.pod.spec?.ephemeralContainers ?? [])].some((x) => x.name === c);
  if (!known) throw new HttpError(400, `container ${c} is not valid for pod ${w.pod.metadata.name}`);
  return { w, container: c };
}

/** Upstream: kubelet GetContainerLogs / kuberuntime ReadLogs */
async function containerLogs(o: KubeletServerOptions, u: URL, parts: string[], res: ServerResponse): Promise<void> {
  const { w, container } = lookup(o, parts[1]!, parts[2]!, parts[3]);
  const q = u.searchParams;
  const s = w.containerState(container);
  const podName = w.pod.metadata.name;
  const previous = q.get('previous') === 'true';
  if (!s || (!s.running && !s.lastTerm)) {
    throw new HttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${s?.waiting?.reason ?? 'ContainerCreating'}`);
  }
  const latest = s.running?.n ?? s.restartCount;
  const n = previous ? latest - 1 : latest;
  const file = containerLogPath(w.logDir, container, n);
  if (previous && (n < 0 || !existsSync(file))) throw new HttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
  const opts: LogOptions = {
    follow: q.get('follow') === 'true' && !previous,
    timestamps: q.get('timestamps') === 'true',
    tailLines: q.has('tailLines') ? Number(q.get('tailLines')) : undefined,
    limitBytes: q.has('limitBytes') ? Number(q.get('limitBytes')) : undefined,
  };
  if (q.has('sinceSeconds')) opts.sinceTime = new Date(o.now().getTime() - Number(q.get('sinceSeconds')) * 1000);
  if (q.has('sinceTime')) opts.sinceTime = new Date(q.get('sinceTime')!);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  await streamLog(file, res, opts, () => w.containerState(container)?.running?.n !== n, ac.signal);
  res.end();
}

function handleExec(o: KubeletServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer, u: URL, parts: string[]): void {
  const { w, container } = lookup(o, parts[1]!, parts[2]!, parts[3]);
  const command = u.searchParams.getAll('command');
  const target = w.execTarget(container);
  if (!target) throw new HttpError(404, w.isSimulated() ? `container not found ("${container}"): pod is simulated (no sandbox on this node)` : `container not found ("${container}")`, 'NotFound');
  if (command.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
  acceptRemoteCommand(req, socket, head, streamOptions(u), (s: StreamSession) => {
    let started = false;
    const run = (size?: { Width: number; Height: number }) => {
      if (started) return;
      started = true;
      const child = execInSandbox(target, command, { tty: s.opts.tty, cols: size?.Width, rows: size?.Height });
      child.on('error', (e) => s.finish(failureStatus(e.message)));
      child.stdout!.on('data', (d: Buffer) => s.stdout?.write(d));
      child.stderr!.on('data', (d: Buffer) => (s.stderr ?? s.stdout)?.write(d));
      if (s.stdin) { s.stdin.pipe(child.stdin!); child.stdin!.on('error', () => {}); } else child.stdin!.end();
      child.on('close', (code, sig) => s.finish(exitStatus(code ?? (sig ? 128 + (sig === 'SIGKILL' ? 9 : 15) : 1), command)));
      s.events.on('close', () => child.kill('SIGKILL'));
      if (s.opts.tty) s.events.on('resize', (sz: { Width: number; Height: number }) => resizeExecTty(child, sz.Width, sz.Height));
    };
    if (s.opts.tty) {
      // kubectl sends the terminal size first: size the pty from it (or start anyway shortly after).
      s.events.once('resize', (sz: { Width: number; Height: number }) => run(sz));
      setTimeout(() => run(), 100);
    } else run();
  });
}

function handleAttach(o: KubeletServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer, u: URL, parts: string[]): void {
  const { w, container } = lookup(o, parts[1]!, parts[2]!, parts[3]);
  const st = w.containerState(container);
  if (!st?.running || w.isSimulated()) throw new HttpError(404, `container not found ("${container}")`, 'NotFound');
  const inst = st.running;
  acceptRemoteCommand(req, socket, head, streamOptions(u), (s) => {
    const ac = new AbortController();
    s.events.on('close', () => ac.abort());
    // Where the log ends now, taken before any stdin reaches the container: its answer to that input is
    // written after this point and is streamed, however fast it comes.
    const logPath = containerLogPath(w.logDir, container, inst.n);
    let fromByte = 0;
    try { fromByte = statSync(logPath).size; } catch { /* no output yet */ }
    if (s.stdin) {
      const fifo = stdinFifoPath(inst.dir);
      if (existsSync(fifo)) { const ws = createWriteStream(fifo, { flags: 'a' }); ws.on('error', () => {}); s.stdin.pipe(ws); }
      else s.stdin.resume();
    }
    // Output from now on: follow the log without replaying it.
    const out = s.stdout ?? s.stderr;
    const sink = out ?? new Writable({ write(_c, _e, cb) { cb(); } });
    void streamLog(logPath, sink, { follow: true, fromByte }, () => w.containerState(container)?.running?.n !== inst.n, ac.signal)
      .then(() => s.finish({ metadata: {}, status: 'Success' }));
  });
}

function handlePortForward(o: KubeletServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[]): void {
  const w = o.findPod(decodeURIComponent(parts[1]!), decodeURIComponent(parts[2]!));
  if (!w) throw new HttpError(404, `pods "${parts[2]}" not found`, 'NotFound');
  // The pod's port on its own loopback, inside its network namespace (the node's for hostNetwork pods).
  acceptPortForward(req, socket, head, (port) => w.dialPort(port), w.pod.metadata.uid);
}

/** The serving certificate, made once per node (EC P-256: milliseconds, where RSA takes ~300 ms). */
async function kubeletCert(dir: string): Promise<{ key: string; cert: string }> {
  const keyPath = path.join(dir, 'kubelet.key');
  const certPath = path.join(dir, 'kubelet.crt');
  try { return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') }; } catch { /* first start */ }
  const pems = await (await import('selfsigned')).generate([{ name: 'commonName', value: 'stowage-kubelet' }], { keyType: 'ec', algorithm: 'sha256', days: 3650 } as never);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert };
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { key, cert } = await kubeletCert(o.pkiDir);
  const server = https.createServer({ key, cert });
  const sockets = new Set<Duplex>();
  server.on('request', (req, res) => {
    const u = new URL(req.url ?? '/', 'https://kubelet');
    const parts = u.pathname.split('/').slice(1);
    void (async () => {
      try {
        if (!authorized(req, o.token)) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
        if (parts[0] === 'healthz') { res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'); return; }
        if (parts[0] === 'pods' && parts.length === 1) {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: o.listPods().map((w) => w.pod) }));
          return;
        }
        if (parts[0] === 'containerLogs' && parts.length >= 4) { await containerLogs(o, u, parts, res); return; }
        if (['exec', 'attach', 'portForward'].includes(parts[0]!)) throw new HttpError(400, 'Upgrade request required');
        throw new HttpError(404, '404 page not found', 'NotFound');
      } catch (e) {
        if (res.headersSent) { res.end(); return; }
        sendStatus(res, e instanceof HttpError ? e : new HttpError(500, String((e as Error).message), 'InternalError'));
      }
    })();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket); socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const u = new URL(req.url ?? '/', 'https://kubelet');
    const parts = u.pathname.split('/').slice(1);
    try {
      if (!authorized(req, o.token)) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
      if (parts[0] === 'exec' && parts.length >= 4) return handleExec(o, req, socket, head, u, parts);
      if (parts[0] === 'attach' && parts.length >= 4) return handleAttach(o, req, socket, head, u, parts);
      if (parts[0] === 'portForward' && parts.length >= 3) return handlePortForward(o, req, socket, head, parts);
      throw new HttpError(404, '404 page not found', 'NotFound');
    } catch (e) {
      const he = e instanceof HttpError ? e : new HttpError(500, String((e as Error).message), 'InternalError');
      const body = he.message;
      socket.end(`HTTP/1.1 ${he.code} ${he.code === 404 ? 'Not Found' : he.code === 401 ? 'Unauthorized' : 'Bad Request'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, o.address === '0.0.0.0' ? '0.0.0.0' : o.address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
