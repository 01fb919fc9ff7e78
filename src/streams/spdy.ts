// SPDY/3.1 server connections for the Kubernetes stream protocols, on spdy-transport. Kubernetes' SPDY
// streams (moby/spdystream) carry no ":method"/":path" headers, which spdy-transport's parser rejects
// ("Missing `:method` and/or `:path` header"), so the parser is patched once to fill in dummies for
// streams that carry a Kubernetes "streamtype" header.
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-var-requires
const spdy = require('spdy-transport') as {
  connection: { create(socket: Duplex, o: { protocol: 'spdy'; isServer: true; windowSize?: number }): SpdyConnection };
};

export interface SpdyStream extends Duplex {
  headers: Record<string, string>;
  respond(status: number, headers: Record<string, string>): void;
}

export interface SpdyConnection {
  start(version: number): void;
  on(ev: 'stream', cb: (s: SpdyStream) => void): this;
  on(ev: 'error' | 'close', cb: (e?: Error) => void): this;
  end(cb?: () => void): void;
  destroyStreams?(e?: Error): void;
}

let patched = false;
function patchParser(): void {
  if (patched) return;
  patched = true;
  const mod = require('spdy-transport/lib/spdy-transport/protocol/spdy/parser') as { create(o: object): object };
  const proto = Object.getPrototypeOf(mod.create({ window: null })) as { parseKVs: (b: unknown, cb: (err: unknown, h?: Record<string, string>) => void) => void };
  const orig = proto.parseKVs;
  proto.parseKVs = function (this: unknown, buffer: unknown, cb: (err: unknown, h?: Record<string, string>) => void) {
    return orig.call(this, buffer, (err, h) => {
      if (!err && h && h[':method'] === undefined && h.streamtype !== undefined) { h[':method'] = 'POST'; h[':path'] = '/'; }
      cb(err, h);
    });
  };
}

/** Starts a SPDY/3.1 server session on an upgraded socket (or a WebSocket tunnel's duplex). */
export function spdyServer(socket: Duplex): SpdyConnection {
  patchParser();
  const conn = spdy.connection.create(socket, { protocol: 'spdy', isServer: true });
  conn.start(3.1);
  conn.on('error', () => { /* the peer went away */ });
  return conn;
}
