// Runs the agent's short helper commands (mount, umount, unshare) through a few long-lived busybox shells
// instead of spawning each from the agent. A spawn from Node blocks the event loop while the kernel copies
// the agent's address space (2–5 ms at the sizes a busy agent reaches; a third of the agent's CPU with a few
// hundred pods), where a shell of a few hundred KiB forks in a fraction of that.
//
// Protocol (one shell per lane, one request at a time per shell, answered in order): the agent writes
// `<id> <shell-quoted argv>\n`; the shell runs it with stdin from /dev/null, stdout and stderr captured
// together, and answers `<id> <exit code> <output, newlines sent as \x1e>\n`. Commands are named by
// absolute path so busybox's own applets never stand in for the real tools (their messages differ).
// Arguments with control characters travel in ash's $'...' quoting; only a NUL (which no argv can hold)
// makes a command be spawned directly.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsc, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const BUSYBOX = existsSync('/usr/bin/busybox') ? '/usr/bin/busybox' : 'busybox';
const LANES = 3;

const LOOP = [
  'NL=$(printf "\\nx"); NL=${NL%x}; RS=$(printf "\\036")',
  'while IFS= read -r line; do',
  '  id=${line%% *}; cmd=${line#* }',
  '  out=$(eval "exec $cmd" 2>&1 </dev/null); rc=$?',
  '  printf "%s %s %s\\n" "$id" "$rc" "${out//$NL/$RS}"',
  'done',
].join('\n');

/** The error a failed command rejects with: like execFile's, `stderr` holds the command's output. */
export class CommandError extends Error {
  constructor(readonly code: number, readonly stderr: string, cmd: string) { super(`Command failed: ${cmd} (exit ${code}): ${stderr}`); }
}

/**
 * Shell-quotes one argument for a request line: '...' when it has no control character, else ash's $'...'
 * with escapes (a newline must not end the request line; busybox ash reads \n, \t, \xHH in $'...').
 */
export function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  // eslint-disable-next-line no-control-regex
  return `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}'`;
}

const resolved = new Map<string, string>();
/** The absolute path of an executable from PATH (cached), or the name itself when not found. */
function which(file: string): string {
  if (file.includes('/')) return file;
  let p = resolved.get(file);
  if (p) return p;
  p = file;
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const cand = path.join(dir || '.', file);
    try { accessSync(cand, fsc.X_OK); p = cand; break; } catch { /* next */ }
  }
  resolved.set(file, p);
  return p;
}

interface Pending { id: number; cmd: string; resolve(out: string): void; reject(e: Error): void }

class Lane {
  readonly queue: Pending[] = [];
  private buf = '';
  private readonly sh: ChildProcess;
  dead = false;

  constructor() {
    this.sh = spawn(BUSYBOX, ['sh', '-c', LOOP], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.sh.stdout!.setEncoding('utf8');
    this.sh.stdout!.on('data', (c: string) => this.onData(c));
    this.sh.on('exit', () => this.die(new Error('command shell exited')));
    this.sh.on('error', (e) => this.die(e));
    this.sh.stdin!.on('error', () => {});
    this.idle();
  }

  send(p: Pending): void {
    this.queue.push(p);
    if (this.queue.length === 1) this.busy();
    this.sh.stdin!.write(`${p.id} ${p.cmd}\n`);
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const m = /^(\d+) (\d+) ?(.*)$/s.exec(line);
      const p = this.queue[0];
      if (!m || !p || Number(m[1]) !== p.id) { this.die(new Error(`command shell out of step: ${line.slice(0, 200)}`)); return; }
      this.queue.shift();
      const code = Number(m[2]), out = m[3]!.replace(/\x1e/g, '\n').trim();
      if (code === 0) p.resolve(out); else p.reject(new CommandError(code, out, p.cmd));
    }
    if (this.queue.length === 0) this.idle();
  }

  private die(e: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.queue.splice(0)) p.reject(e);
    this.sh.kill('SIGKILL');
  }

  // The shell keeps the process alive only while it owes an answer (an agent shutting down must not hang on it).
  private busy(): void { this.sh.ref(); (this.sh.stdout as unknown as { ref?(): void }).ref?.(); (this.sh.stdin as unknown as { ref?(): void }).ref?.(); }
  private idle(): void { this.sh.unref(); (this.sh.stdout as unknown as { unref?(): void }).unref?.(); (this.sh.stdin as unknown as { unref?(): void }).unref?.(); }
}

const lanes: Lane[] = [];
let nextId = 1;

/**
 * Runs file with args and resolves with its output (stdout and stderr together), or rejects with a
 * CommandError carrying that output. Falls back to a direct spawn when the arguments cannot be sent.
 */
let directSpawns = 0;
/** How many commands this process had to spawn directly (their arguments could not travel on a line). */
export const directSpawnCount = () => directSpawns;

export async function runCommand(file: string, args: string[]): Promise<string> {
  const argv = [which(file), ...args];
  if (argv.some((a) => a.includes('\0'))) {
    directSpawns++;
    try { const r = await execFileP(argv[0]!, argv.slice(1)); return (r.stdout + r.stderr).trim(); }
    catch (e) { const err = e as { code?: number; stderr?: string; message: string }; throw new CommandError(typeof err.code === 'number' ? err.code : 1, (err.stderr || err.message).trim(), argv.join(' ')); }
  }
  for (let i = lanes.length - 1; i >= 0; i--) if (lanes[i]!.dead) lanes.splice(i, 1);
  let lane = lanes.reduce<Lane | undefined>((best, l) => (!best || l.queue.length < best.queue.length ? l : best), undefined);
  if (!lane || (lane.queue.length > 0 && lanes.length < LANES)) { lane = new Lane(); lanes.push(lane); }
  const cmd = argv.map(quote).join(' ');
  return new Promise<string>((resolve, reject) => lane.send({ id: nextId++, cmd, resolve, reject }));
}
