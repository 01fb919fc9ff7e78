// Process identity on Linux: a pid is only "the same process" if its start time (field 22 of
// /proc/<pid>/stat, in clock ticks since boot) matches, so a recycled pid is never mistaken for ours.
import { readdirSync, readFileSync } from 'node:fs';

export function procStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return undefined; // a zombie has exited
    return Number(rest[19]);
  } catch { return undefined; }
}

export function isSameProcessAlive(pid: number, startTime: number): boolean {
  return pid > 0 && procStartTime(pid) === startTime;
}

/** Direct children of pid (from /proc/<pid>/task/<pid>/children). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}

/**
 * The processes for which match holds, in one read of /proc (a process that is gone or not ours to read while
 * match looks at it, which throws, does not match). For the rare sweeps only: it costs a look at every process.
 */
export function pidsWhere(match: (pid: number) => boolean): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try { if (match(Number(e))) out.push(Number(e)); } catch { /* gone, or not ours to read */ }
  }
  return out;
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try { process.kill(pid, sig); return true; } catch { return false; }
}
