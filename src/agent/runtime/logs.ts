// Container logs in the CRI format ("<RFC3339Nano> <stream> <P|F> <text>" per line), one file per
// container instance at <nodeRoot>/var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log, read
// back for `kubectl logs` with tail, since, timestamps, limitBytes and follow.
// Upstream: pkg/kubelet/kuberuntime/logs/logs.go (ReadLogs, parseCRILog)
import { promises as fsp, createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

export const podLogDir = (nodeRoot: string, ns: string, name: string, uid: string) => path.join(nodeRoot, 'var/log/pods', `${ns}_${name}_${uid}`);
export const containerLogPath = (podLogDirPath: string, container: string, restart: number) => path.join(podLogDirPath, container, `${restart}.log`);

export interface LogOptions {
  follow?: boolean; tailLines?: number; sinceTime?: Date; timestamps?: boolean; limitBytes?: number;
  /** Start at this byte of the file (attach: what the log held when the session began is not replayed). */
  fromByte?: number;
}

export interface LogLine { time: string; stream: string; text: string; partial: boolean }

export function parseCRILine(line: string): LogLine | undefined {
  const a = line.indexOf(' '); const b = line.indexOf(' ', a + 1); const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { time: line.slice(0, a), stream: line.slice(a + 1, b), partial: tag === 'P', text: c < 0 ? '' : line.slice(c + 1) };
}

function render(l: LogLine, timestamps?: boolean): string {
  return (timestamps ? l.time + ' ' : '') + l.text + (l.partial ? '' : '\n');
}

/**
 * Writes the file's log to out; with follow keeps reading until isDone() says the container has stopped
 * (and the file is drained) or the client goes away.
 */
export async function streamLog(file: string, out: Writable, o: LogOptions, isDone: () => boolean, signal?: AbortSignal): Promise<void> {
  let budget = o.limitBytes ?? Infinity;
  const emit = (s: string): boolean => {
    if (budget <= 0) return false;
    const buf = Buffer.from(s);
    const chunk = buf.length > budget ? buf.subarray(0, budget) : buf;
    budget -= chunk.length;
    out.write(chunk);
    return budget > 0;
  };
  const keep = (l: LogLine) => !o.sinceTime || new Date(l.time).getTime() >= o.sinceTime.getTime() - 999;
  let text: string;
  let offset: number;
  if (o.fromByte !== undefined) {
    let size = 0;
    try { size = (await fsp.stat(file)).size; } catch { /* not yet */ }
    text = size > o.fromByte ? await readRange(file, o.fromByte, size) : '';
    offset = Math.max(size, o.fromByte);
  } else {
    text = existsSync(file) ? await fsp.readFile(file, 'utf8') : '';
    offset = Buffer.byteLength(text);
  }
  let lines = text.split('\n');
  let rest = lines.pop() ?? '';
  let parsed = lines.map(parseCRILine).filter((l): l is LogLine => !!l && keep(l));
  if (o.tailLines !== undefined && o.tailLines >= 0) parsed = parsed.slice(Math.max(0, parsed.length - o.tailLines));
  for (const l of parsed) if (!emit(render(l, o.timestamps))) return;
  if (!o.follow) return;
  for (;;) {
    if (signal?.aborted) return;
    const done = isDone();
    let size = 0;
    try { size = (await fsp.stat(file)).size; } catch { /* not yet */ }
    if (size > offset) {
      const chunk = await readRange(file, offset, size);
      offset = size;
      lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const raw of lines) { const l = parseCRILine(raw); if (l && keep(l) && !emit(render(l, o.timestamps))) return; }
      continue;
    }
    if (done) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readRange(file: string, start: number, end: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of createReadStream(file, { start, end: end - 1 })) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
