// Running a command inside a live sandbox: nsenter joins the container's mount, UTS, IPC, network and PID
// namespaces and its root, with the container's environment and credentials.
// With a TTY the command runs under script(1), which gives it a pseudo-terminal.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { childrenOf } from './proc.js';
import { credentialsArgv, type Credentials } from './credentials.js';

export interface ExecTarget { nsPid: number; env: Array<[string, string]>; user?: Credentials }

/** nsenter's arguments: the container's namespaces and root, then its own user (runtime/credentials.ts), then command. */
function nsenterArgs(t: ExecTarget, command: string[]): string[] {
  return ['-t', String(t.nsPid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', ...credentialsArgv(t.user ?? {}), ...command];
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Spawns command in the container. tty: runs under a pty (cols/rows as first size). */
export function execInSandbox(t: ExecTarget, command: string[], o: { tty?: boolean; cols?: number; rows?: number } = {}): ChildProcess {
  const env = Object.fromEntries(t.env);
  if (o.tty) {
    env.TERM = env.TERM ?? 'xterm';
    const inner = ['nsenter', ...nsenterArgs(t, command)].map(shellQuote).join(' ');
    const sized = o.cols && o.rows ? `stty cols ${o.cols} rows ${o.rows} 2>/dev/null; exec ${inner}` : `exec ${inner}`;
    return spawn('script', ['-q', '-f', '-e', '-c', sized, '/dev/null'], { env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', SHELL: '/bin/sh' }, stdio: 'pipe' });
  }
  return spawn('nsenter', nsenterArgs(t, command), { env, stdio: 'pipe' });
}

/**
 * Resizes the pty of a TTY exec: the terminal is the stdin of script(1)'s child, so `stty -F` on it sets
 * the size and the kernel sends SIGWINCH to the foreground process group.
 */
export function resizeExecTty(child: ChildProcess, cols: number, rows: number): void {
  if (!child.pid || !(cols > 0) || !(rows > 0)) return;
  const inner = childrenOf(child.pid)[0];
  if (!inner) return;
  let tty: string;
  try { tty = readlinkSync(`/proc/${inner}/fd/0`); } catch { return; }
  if (!tty.startsWith('/dev/pts/')) return;
  execFile('stty', ['-F', tty, 'cols', String(Math.floor(cols)), 'rows', String(Math.floor(rows))], () => {});
}
