// TCP connections into a pod's network namespace, for port-forward and httpGet/tcpSocket probes. Node
// cannot switch one socket into another namespace (setns is per thread), so a small relay runs inside
// it: `nsenter --net=<pod netns> busybox nc 127.0.0.1 PORT`, whose stdin/stdout are the connection.
// Why this way: no long-lived helper to supervise or re-adopt, a few milliseconds per connection, the
// tools are already on every node (busybox is the built-in images' base), and nc half-closes as TCP
// does (stdin EOF → shutdown(SHUT_WR), remote EOF → exit), so HTTP and SPDY data streams behave.
// Upstream: containerd pkg/cri/server/sandbox_portforward_linux.go (portForward: dials inside the netns)
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';

const BUSYBOX = '/usr/bin/busybox';

/** "nc: can't connect to remote host (127.0.0.1): Connection refused" → "connection refused" (as Go prints it). */
export function connectError(ncStderr: string): string | undefined {
  const m = /can't connect to remote host \([^)]*\): (.+)$/m.exec(ncStderr);
  if (m) return m[1]!.trim().toLowerCase();
  if (/timed out/i.test(ncStderr)) return 'i/o timeout';
  return undefined;
}

/** A connection made by nc inside the namespace; errors with `dial tcp H:P: connect: …` when refused. */
class NamespaceConnection extends Duplex {
  private stderr = '';
  constructor(private readonly child: ChildProcess, private readonly host: string, private readonly port: number) {
    super({ allowHalfOpen: true });
    child.stdout!.on('data', (d: Buffer) => { if (!this.push(d)) child.stdout!.pause(); });
    child.stderr!.on('data', (d: Buffer) => { this.stderr += d; });
    child.stdin!.on('error', () => { /* nc gone: reported by 'close' */ });
    child.on('error', (e) => this.destroy(e));
    // 'close' comes after all of nc's output was read: end the stream, or fail it if nc never connected.
    child.on('close', (code) => {
      const failure = code ? connectError(this.stderr) : undefined;
      if (failure) this.destroy(Object.assign(new Error(this.dialMessage(failure)), { code: failure === 'connection refused' ? 'ECONNREFUSED' : 'EDIAL' }));
      else this.push(null);
    });
  }

  dialMessage(failure: string): string {
    return failure === 'i/o timeout' ? `dial tcp ${this.host}:${this.port}: i/o timeout` : `dial tcp ${this.host}:${this.port}: connect: ${failure}`;
  }

  override _read(): void { this.child.stdout!.resume(); }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(chunk, () => cb()); else cb();
  }
  override _final(cb: (e?: Error | null) => void): void { this.child.stdin!.end(); cb(); }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    cb(err);
  }
  // What http.ClientRequest may call on its socket; the relay has no socket options of its own.
  setTimeout(): this { return this; }
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }
}

/** Opens a TCP connection to host:port as seen from inside the network namespace at netns (a /proc/<pid>/ns/net path). */
export function dialInNamespace(netns: string, port: number, host = '127.0.0.1'): Duplex {
  const child = spawn('nsenter', [`--net=${netns}`, BUSYBOX, 'nc', host, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new NamespaceConnection(child, host, port);
}

/** Whether a TCP connection to host:port can be made inside netns (nc connects, runs `true`, closes). */
export function tcpCheckInNamespace(netns: string, port: number, timeoutSec: number, host = '127.0.0.1'): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const args = [`--net=${netns}`, BUSYBOX, 'nc', '-w', String(Math.max(1, Math.ceil(timeoutSec))), host, String(port), '-e', BUSYBOX, 'true'];
    execFile('nsenter', args, { timeout: (timeoutSec + 1) * 1000 }, (err, _out, stderr) => {
      if (!err) { resolve({ ok: true, output: '' }); return; }
      const failure = connectError(String(stderr)) ?? ((err as { killed?: boolean }).killed ? 'i/o timeout' : String(stderr).trim() || err.message);
      resolve({ ok: false, output: failure === 'i/o timeout' ? `dial tcp ${host}:${port}: i/o timeout` : `dial tcp ${host}:${port}: connect: ${failure}` });
    });
  });
}
