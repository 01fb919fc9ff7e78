// SIGTERM to `stowage up` while pods are still starting stops the whole cluster: no sandbox process and no
// mount under the data directory, and no pause process, outlives it (a start under way when the stop begins stops its container).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { R } from '../../src/api/gvr.js';
import { procStartTime } from '../../src/agent/runtime/proc.js';
import { startCluster } from './cluster.js';

/** Processes whose command line mentions dir (e.g. bwrap binding a rootfs under it). */
function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // zombies hold nothing
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir)) out.push(`${pid} ${cmd}`);
    } catch { /* gone */ }
  }
  return out;
}
/** Pause processes (runtime/podns.ts) recorded under dir that are still alive. */
function pausesAlive(dir: string): { recorded: number; alive: string[] } {
  const out: string[] = [];
  let recorded = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('/ns/pause.json')) continue;
    const { pid, start } = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { pid: number; start: number };
    recorded++;
    if (procStartTime(pid) === start) out.push(`${pid} ${f}`);
  }
  return { recorded, alive: out };
}
const mountsUnder = (dir: string) => readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(dir));

test('SIGTERM while pods start leaves no sandbox and no mount behind, within 10 s', { timeout: 60_000 }, async () => {
  const { up, cleanup } = await startCluster(['--nodes', 'stop-a,stop-b']);
  try {
    const client = up.client();
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.create(R.pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `starting-${i}` },
      spec: { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 3600'] }], volumes: [{ name: 'm', emptyDir: { medium: 'Memory' } }] },
    })));
    // Stop as soon as the first pods run, while the others are still being started.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const pods = (await client.list<{ metadata: object; status?: { phase?: string } }>(R.pods, 'default')).items;
      if (pods.some((p) => p.status?.phase === 'Running')) break;
      assert.ok(Date.now() < deadline, 'a pod Running within 20 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const t0 = Date.now();
    await up.stop('SIGTERM');
    assert.ok(Date.now() - t0 < 10_000, `stopped within 10 s (took ${Date.now() - t0} ms)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(processesUnder(up.dataDir), [], 'no process left running under the data directory');
    assert.deepEqual(mountsUnder(up.dataDir), [], 'no mount left under the data directory');
    const pauses = pausesAlive(up.dataDir);
    assert.ok(pauses.recorded > 0, 'pods had pause processes');
    assert.deepEqual(pauses.alive, [], 'no pause process left holding a pod\'s namespaces');
  } finally {
    await cleanup();
  }
});
