// kubestr's built-in fio job files, verbatim, and how a job file is chosen (-f file, -t name, default).
// Upstream: kastenhq/kubestr pkg/fio/fio_jobs.go (testJob1, randReadWrite), pkg/fio/fio.go loadConfigMap
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const DEFAULT_FIO_JOB = 'default-fio';

const defaultFio = `[global]
randrepeat=0
verify=0
ioengine=libaio
direct=1
gtod_reduce=1
[job1]
name=read_iops
bs=4K
iodepth=64
size=2G
readwrite=randread
time_based
ramp_time=2s
runtime=15s
[job2]
name=write_iops
bs=4K
iodepth=64
size=2G
readwrite=randwrite
time_based
ramp_time=2s
runtime=15s
[job3]
name=read_bw
bs=128K
iodepth=64
size=2G
readwrite=randread
time_based
ramp_time=2s
runtime=15s
[job4]
name=write_bw
bs=128k
iodepth=64
size=2G
readwrite=randwrite
time_based
ramp_time=2s
runtime=15s
`;

// The second built-in job: 4K random mixed I/O, 75 % reads, 4G, 15 s after a 2 s ramp-up.
const randrw = `[global]
randrepeat=0
verify=0
ioengine=libaio
direct=1
gtod_reduce=1
[job1]
name=rand_readwrite
bs=4K
iodepth=64
size=4G
readwrite=randrw
rwmixread=75
time_based
ramp_time=2s
runtime=15s
`;

export const BUILTIN_JOBS: Readonly<Record<string, string>> = { [DEFAULT_FIO_JOB]: defaultFio, randrw };

export interface JobFile { /** ConfigMap key and file name under /etc/fio-config. */ name: string; text: string }

/** -f wins over -t; neither gives default-fio. Upstream error text: "FIO job not found- (%s)". */
export async function selectJobFile(opts: { fioFile?: string; testName?: string }): Promise<JobFile> {
  if (opts.fioFile) {
    let text: string;
    try { text = await readFile(opts.fioFile, 'utf8'); } catch (e) { throw new Error(`File reading error: ${(e as Error).message}`); }
    return { name: path.basename(opts.fioFile), text };
  }
  if (opts.testName) {
    const text = BUILTIN_JOBS[opts.testName];
    if (text === undefined) throw new Error(`FIO job not found- (${opts.testName})`);
    return { name: opts.testName, text };
  }
  return { name: DEFAULT_FIO_JOB, text: defaultFio };
}

/**
 * The same job with completion-latency timing switched back on: gtod_reduce=1 turns off clat/lat/slat
 * and bandwidth logging, so percentiles need a second pass without it (kubestr #99, #144).
 */
export function latencyVariant(text: string): string {
  return text.replace(/^(\s*gtod_reduce\s*=\s*)(1|true|yes|on)\s*$/gim, '$10');
}
