// The server side of `kubectl port-forward`: SPDY/3.1 with portforward.k8s.io, either on the raw
// upgraded socket or tunnelled in a WebSocket with protocol "SPDY/3.1+portforward.k8s.io" (kubectl
// 1.31+). For each forwarded connection the client opens an "error" and a "data" stream with the same
// requestID and a port header; the data stream is piped to dial(port).
// Upstream: pkg/kubelet/cri/streaming/portforward/httpstream.go, tunneling in k8s.io/apimachinery/pkg/util/httpstream/wsstream
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream } from 'ws';
import { spdyServer, type SpdyStream } from './spdy.js';
import { acceptWebSocket } from './remotecommand.js';

export const PF_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** podRef names the pod in error messages (the kubelet passes the pod sandbox's id). */
export function acceptPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, dial: (port: number) => Duplex, podRef = ''): void {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  let transport: Duplex;
  if (upgrade === 'websocket') {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes(PF_WS_PROTOCOL)) { socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); return; }
    transport = createWebSocketStream(acceptWebSocket(req, socket, head, PF_WS_PROTOCOL));
  } else if (upgrade.startsWith('spdy/3.1')) {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nDate: ${new Date().toUTCString()}\r\n\r\n`);
    if (head.length) socket.unshift(head);
    transport = socket;
  } else { socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); return; }
  transport.on('error', () => {});
  const conn = spdyServer(transport);
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  conn.on('stream', (st) => {
    st.on('error', () => { /* aborted by the peer (GOAWAY, reset) */ });
    st.respond(200, {});
    const id = st.headers.requestid ?? '';
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    if (st.headers.streamtype === 'error') { pair.error = st; return; }
    if (st.headers.streamtype !== 'data') return;
    pair.data = st;
    const port = Number(st.headers.port);
    const target = dial(port);
    target.on('error', (e: Error) => {
      // Upstream: pkg/kubelet/cri/streaming/portforward/httpstream.go "error forwarding port %d to pod %s, uid %v: %v"
      // (the CRI streaming server knows the sandbox id only, so uid is empty)
      pairs.get(id)?.error?.end(`error forwarding port ${port} to pod ${podRef}, uid : ${e.message}`);
      st.end();
    });
    st.pipe(target).pipe(st);
    st.on('close', () => { target.destroy(); pairs.delete(id); });
  });
}
