// The server side of `kubectl exec` / `kubectl attach` streams, independent of the wire protocol:
// WebSocket v5/v4.channel.k8s.io (kubectl 1.30+) or SPDY/3.1 with v4.channel.k8s.io (older kubectl and
// the fallback). Both become one StreamSession: stdin, stdout, stderr, resize events and a final status.
// Upstream: pkg/kubelet/cri/streaming/remotecommand (websocket.go, httpstream.go),
// staging/src/k8s.io/apimachinery/pkg/util/httpstream/wsstream (conn.go)
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { spdyServer, type SpdyStream } from './spdy.js';
import type { StreamStatus } from './status.js';

export interface StreamOptions { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

export interface StreamSession {
  opts: StreamOptions;
  stdin?: PassThrough;
  stdout?: Writable;
  stderr?: Writable;
  /** Emits 'resize' with {Width, Height}. */
  events: EventEmitter;
  /** Sends the final status and closes the connection. */
  finish(status: StreamStatus): void;
  /** Emits 'close' on the events emitter when the client disconnects. */
}

const truthy = (v: string | null) => v === 'true' || v === '1';

export function streamOptions(u: URL): StreamOptions {
  const o = { stdin: truthy(u.searchParams.get('stdin')), stdout: truthy(u.searchParams.get('stdout')), stderr: truthy(u.searchParams.get('stderr')), tty: truthy(u.searchParams.get('tty')) };
  // With a TTY stderr is merged into stdout. Upstream: remotecommand.createStreams
  if (o.tty) o.stderr = false;
  return o;
}

const WS_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
export const SPDY_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

function offered(req: IncomingMessage, header: string): string[] {
  const v = req.headers[header];
  return (Array.isArray(v) ? v.join(',') : v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Writes a WebSocket 101 by hand (ws refuses subprotocols such as "SPDY/3.1+portforward.k8s.io"). */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): WebSocket {
  const accept = createHash('sha1').update(String(req.headers['sec-websocket-key']) + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
  const ws = new WebSocket(null as unknown as string, undefined, {});
  (ws as unknown as { setSocket(s: Duplex, h: Buffer, o: object): void }).setSocket(socket, head, { maxPayload: 100 * 1024 * 1024, skipUTF8Validation: true, allowSynchronousEvents: true });
  return ws;
}

function rejectUpgrade(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code });
  socket.end(`HTTP/1.1 ${code} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Accepts an exec/attach upgrade (WebSocket or SPDY) and calls onSession once the streams exist. */
export function acceptRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, opts: StreamOptions, onSession: (s: StreamSession) => void): void {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const proto = WS_PROTOCOLS.find((p) => offered(req, 'sec-websocket-protocol').includes(p));
    if (!proto) return rejectUpgrade(socket, 400, `unable to upgrade: unsupported subprotocols ${JSON.stringify(offered(req, 'sec-websocket-protocol'))}`);
    return onSession(wsSession(acceptWebSocket(req, socket, head, proto), proto === 'v5.channel.k8s.io', opts));
  }
  if (upgrade.startsWith('spdy/3.1')) {
    const proto = SPDY_PROTOCOLS.find((p) => offered(req, 'x-stream-protocol-version').includes(p));
    if (!proto) return rejectUpgrade(socket, 403, 'unable to upgrade: unable to negotiate protocol');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${proto}\r\nDate: ${new Date().toUTCString()}\r\n\r\n`);
    if (head.length) socket.unshift(head);
    return spdySession(socket, opts, onSession);
  }
  rejectUpgrade(socket, 400, 'unable to upgrade: missing upgrade headers in request');
}

function wsSession(ws: WebSocket, v5: boolean, opts: StreamOptions): StreamSession {
  const events = new EventEmitter();
  const channelWriter = (ch: number) => new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== WebSocket.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([ch]), chunk]), { binary: true }, () => cb());
    },
  });
  const s: StreamSession = {
    opts, events,
    stdin: opts.stdin ? new PassThrough() : undefined,
    stdout: opts.stdout ? channelWriter(1) : undefined,
    stderr: opts.stderr ? channelWriter(2) : undefined,
    finish(status) {
      if (ws.readyState !== WebSocket.OPEN) return;
      // Let queued output go first: stdout/stderr writes are sent in order on the same socket.
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))]), { binary: true }, () => ws.close(1000));
    },
  };
  ws.on('message', (data: Buffer) => {
    const m = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (m.length === 0) return;
    const ch = m[0];
    if (ch === 0) s.stdin?.write(m.subarray(1));
    else if (ch === 4) { try { events.emit('resize', JSON.parse(m.subarray(1).toString())); } catch { /* bad size */ } }
    else if (ch === 255 && v5 && m[1] === 0) s.stdin?.end();
  });
  ws.on('close', () => { s.stdin?.end(); events.emit('close'); });
  ws.on('error', () => { events.emit('close'); });
  return s;
}

function spdySession(socket: Duplex, opts: StreamOptions, onSession: (s: StreamSession) => void): void {
  const conn = spdyServer(socket);
  const streams: Record<string, SpdyStream> = {};
  const events = new EventEmitter();
  let started = false;
  const need = ['error', ...(opts.stdin ? ['stdin'] : []), ...(opts.stdout ? ['stdout'] : []), ...(opts.stderr ? ['stderr'] : [])];
  const start = () => {
    if (started || !need.every((n) => streams[n])) return;
    started = true;
    const stdin = opts.stdin ? new PassThrough() : undefined;
    if (stdin) streams.stdin!.on('data', (d: Buffer) => stdin.write(d)).on('end', () => stdin.end());
    const s: StreamSession = {
      opts, events, stdin,
      stdout: streams.stdout, stderr: streams.stderr,
      finish(status) {
        const err = streams.error!;
        err.end(JSON.stringify(status));
        for (const n of ['stdout', 'stderr']) streams[n]?.end();
        setTimeout(() => { try { conn.end(); } catch { /* gone */ } socket.destroy(); }, 100);
      },
    };
    onSession(s);
  };
  conn.on('stream', (st) => {
    st.on('error', () => { /* aborted by the peer (GOAWAY, reset) */ });
    st.respond(200, {});
    const type = st.headers.streamtype ?? '';
    streams[type] = st;
    if (type === 'resize') {
      // Newline-separated JSON sizes. Upstream: remotecommand.handleResizeEvents
      let buf = '';
      const emit = (line: string): boolean => {
        try { events.emit('resize', JSON.parse(line)); return true; } catch { return false; }
      };
      st.on('data', (d: Buffer) => {
        const parts = (buf + d.toString()).split('\n');
        buf = parts.pop() ?? '';
        for (const p of parts) if (p.trim()) emit(p);
        if (buf.trim() && emit(buf)) buf = '';
      });
    }
    start();
  });
  socket.on('close', () => events.emit('close'));
}
