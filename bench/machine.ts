// The machine a benchmark ran on, for BENCHMARKS.md: CPU, cores, memory, kernel, Node.js, and the disk
// (df) under the temp directory where the benchmarks keep their data.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo { cpu: string; cores: number; memoryGiB: number; kernel: string; node: string; disk: string; tmpdir: string }

export function machineInfo(): MachineInfo {
  let disk = 'unknown';
  try {
    const lines = execFileSync('df', ['-hT', os.tmpdir()], { encoding: 'utf8' }).trim().split('\n');
    const f = lines[lines.length - 1]!.split(/\s+/);
    disk = `${f[0]} (${f[1]}), ${f[2]} total, ${f[4]} free, mounted on ${f[6]}`;
  } catch { /* no df */ }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, kernel: `${os.type()} ${os.release()}`,
    node: process.version, disk, tmpdir: os.tmpdir(),
  };
}
