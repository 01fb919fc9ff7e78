// End to end: the in-process API server proxies the real kubectl's logs/exec/port-forward to this agent,
// which runs pods as bubblewrap sandboxes. Needs root (overlay, tmpfs, namespaces) and bwrap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { startTestCluster, type TestCluster } from './testing/cluster.js';
import { podNamespacePaths, podNamespacesExist } from './runtime/podns.js';

let c: TestCluster;
const KUBECTL_129 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.29';

function kubectl(args: string[], o: { bin?: string; input?: string } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = execFile(o.bin ?? 'kubectl', ['--kubeconfig', c.kubeconfig, '--request-timeout=20s', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KUBECACHEDIR: path.join(c.dir, 'cache') } },
      (e, so, se) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: so + se }));
    if (o.input !== undefined) { p.stdin!.end(o.input); }
  });
}

async function createPod(name: string, spec: Record<string, unknown>): Promise<KObject> {
  return c.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'node1', ...spec } });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const pod = (name: string) => c.client.get<KObject & { status?: any }>(R.pods, 'default', name);
const running = (name: string) => waitFor(`${name} Running`, async () => (await pod(name)).status?.phase === 'Running' && pod(name));

before(async () => { c = await startTestCluster(); });
after(async () => { await c?.close(); });

test('node registers Ready with kubelet endpoint, nodeInfo and a lease', async () => {
  const n = await c.client.get<KObject & { status: any }>(R.nodes, undefined, 'node1');
  assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], 'node1');
  assert.equal(n.metadata.labels?.['kubernetes.io/os'], 'linux');
  const ready = n.status.conditions.find((x: any) => x.type === 'Ready');
  assert.equal(ready.status, 'True'); assert.equal(ready.reason, 'KubeletReady'); assert.equal(ready.message, 'kubelet is posting ready status');
  assert.equal(n.status.daemonEndpoints.kubeletEndpoint.Port, c.agent.kubeletPort);
  assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.32.4+stowage');
  assert.equal(n.status.capacity.pods, '110');
  const lease = await c.client.get<KObject & { spec: any }>(R.leases, 'kube-node-lease', 'node1');
  assert.equal(lease.spec.holderIdentity, 'node1');
});

test('seed-000 fortune: shared emptyDir, read-only mount, Memory tmpfs, exec over WebSocket', async () => {
  await createPod('fortune', {
    containers: [
      { name: 'html-generator', image: 'busybox', command: ['sh', '-c', 'while true; do date > /var/htdocs/index.html; sleep 1; done'], volumeMounts: [{ name: 'html', mountPath: '/var/htdocs' }] },
      { name: 'web-server', image: 'nginx:alpine', volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html', readOnly: true }, { name: 'cache', mountPath: '/cache' }] },
    ],
    volumes: [{ name: 'html', emptyDir: {} }, { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
  });
  await running('fortune');
  // The generator's page, read by the other container (retried: `date >` truncates before it writes).
  await waitFor('page written', async () => /\d{2}:\d{2}:\d{2}/.test((await kubectl(['exec', 'fortune', '-c', 'web-server', '--', 'cat', '/usr/share/nginx/html/index.html'])).out));
  const b = await kubectl(['exec', 'fortune', '-c', 'web-server', '--', 'sh', '-c', 'echo x > /usr/share/nginx/html/y 2>&1 || echo refused']);
  assert.match(b.out, /Read-only file system/);
  const m = await kubectl(['exec', 'fortune', '-c', 'web-server', '--', 'sh', '-c', "grep ' /cache ' /proc/mounts"]);
  assert.match(m.out, /^tmpfs \/cache tmpfs .*size=16384k/);
  const h = await kubectl(['exec', 'fortune', '-c', 'web-server', '--', 'hostname']);
  assert.equal(h.out, 'fortune\n');
  // nginx = busybox httpd on port 80 of the pod's own network namespace: the other container reaches it
  // on 127.0.0.1, the node's port 80 stays free.
  // Retried: the generator rewrites the page every second (`date >` truncates first), so a read may catch
  // it empty, and under load httpd may bind a moment after the pod is Running.
  const page = /^\w{3} \w{3} +\d+ \d{2}:\d{2}:\d{2} UTC \d{4}\n$/;
  const viaLo = await waitFor('page over loopback', async () => {
    const r = await kubectl(['exec', 'fortune', '-c', 'html-generator', '--', 'wget', '-qO-', 'http://127.0.0.1:80/index.html']);
    return page.test(r.out) && r;
  });
  assert.match(viaLo.out, page);
  const onNode = await new Promise<string>((resolve) => http.get('http://127.0.0.1:80/index.html', () => resolve('answered')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
  assert.equal(onNode, 'ECONNREFUSED');
});

test('two pods listen on port 80 on one node; httpGet and tcpSocket probes reach the pod port', async () => {
  await createPod('second-web', { containers: [{
    name: 'web', image: 'nginx:alpine',
    readinessProbe: { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1 },
    livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 },
  }] });
  await running('second-web');
  await waitFor('second-web Ready', async () => (await pod('second-web')).status.conditions.find((x: any) => x.type === 'Ready').status === 'True');
  await new Promise((r) => setTimeout(r, 1500));
  const p = await pod('second-web');
  assert.equal(p.status.containerStatuses[0].restartCount, 0, 'tcpSocket liveness passes');
  assert.equal(p.status.containerStatuses[0].state.running !== undefined, true);
  assert.ok(podNamespacesExist(path.join(c.nodeRoot, 'var/lib/kubelet/pods', p.metadata.uid!)), 'the pod network namespace is held by its pause process');
  const page = await kubectl(['exec', 'second-web', '--', 'wget', '-qO-', 'http://127.0.0.1/']);
  assert.match(page.out, /Welcome to nginx!/);
  // fortune's web-server still runs on its own port 80.
  assert.equal((await pod('fortune')).status.containerStatuses.find((s: any) => s.name === 'web-server').restartCount, 0);
  // A probe of a port nothing listens on fails with the upstream message.
  await createPod('closed-port', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], readinessProbe: { httpGet: { path: '/', port: 8081 }, periodSeconds: 1 } }] });
  await running('closed-port');
  const ev = await waitFor('Unhealthy', async () => (await events('closed-port')).find((e) => e.reason === 'Unhealthy'));
  assert.equal(ev.message, 'Readiness probe failed: Get "http://127.0.0.1:8081/": dial tcp 127.0.0.1:8081: connect: connection refused');
});

test('exec exit codes, stdin, and the SPDY fallback of kubectl 1.29', async () => {
  const e = await kubectl(['exec', 'fortune', '-c', 'html-generator', '--', 'sh', '-c', 'exit 3']);
  assert.equal(e.code, 3);
  assert.match(e.out, /command terminated with exit code 3/);
  const i = await kubectl(['exec', '-i', 'fortune', '-c', 'html-generator', '--', 'sh', '-c', 'cat; echo done'], { input: 'from stdin\n' });
  assert.equal(i.out, 'from stdin\ndone\n');
  if (existsSync(KUBECTL_129)) {
    const s = await kubectl(['exec', '-i', 'fortune', '-c', 'html-generator', '--', 'sh', '-c', 'cat; exit 4'], { bin: KUBECTL_129, input: 'spdy\n' });
    assert.equal(s.out.split('\n')[0], 'spdy');
    assert.equal(s.code, 4);
  }
  const missing = await kubectl(['exec', 'fortune', '-c', 'nope', '--', 'true']);
  assert.notEqual(missing.code, 0);
});

test('logs, --tail, --timestamps, --previous after a crash; restart keeps the emptyDir', async () => {
  await createPod('crashy', {
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo start $(cat /cache/n 2>/dev/null); while [ ! -f /cache/crash ]; do sleep 0.1; done; rm /cache/crash; echo crashing; exit 1'], volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  });
  await running('crashy');
  await kubectl(['exec', 'crashy', '--', 'sh', '-c', 'echo chapter1 > /cache/n && touch /cache/crash']);
  const p = await waitFor('restart', async () => { const x = await pod('crashy'); return x.status?.containerStatuses?.[0]?.restartCount >= 1 && x.status.containerStatuses[0].ready && x; });
  const cs = p.status.containerStatuses[0];
  assert.equal(cs.lastState.terminated.exitCode, 1);
  assert.equal(cs.lastState.terminated.reason, 'Error');
  assert.match(cs.containerID, /^stowage:\/\/[0-9a-f]{64}$/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await kubectl(['logs', 'crashy'])).out, 'start chapter1\n');
  assert.equal((await kubectl(['logs', 'crashy', '--previous'])).out, 'start\ncrashing\n');
  assert.equal((await kubectl(['logs', 'crashy', '--previous', '--tail=1'])).out, 'crashing\n');
  assert.match((await kubectl(['logs', 'crashy', '--timestamps'])).out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z start chapter1\n$/);
  // Second crash within the back-off window: CrashLoopBackOff with the upstream message.
  await kubectl(['exec', 'crashy', '--', 'touch', '/cache/crash']);
  const uid = p.metadata.uid;
  const w = await waitFor('CrashLoopBackOff', async () => { const x = await pod('crashy'); return x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' && x; });
  assert.equal(w.status.containerStatuses[0].state.waiting.message, `back-off 10s restarting failed container=app pod=crashy_default(${uid})`);
  const ev = await waitFor('BackOff event', async () => (await c.client.list<KObject & { reason?: string; message?: string }>(R.events, 'default')).items.find((e) => e.reason === 'BackOff'));
  assert.equal(ev.message, `Back-off restarting failed container app in pod crashy_default(${uid})`);
});

test('events: Pulling/Pulled/Created/Started with the upstream texts', async () => {
  const evs = (await c.client.list<KObject & { reason?: string; message?: string; source?: any }>(R.events, 'default')).items.filter((e) => (e.involvedObject as any).name === 'fortune');
  const msgs = evs.map((e) => `${e.reason}: ${e.message}`);
  assert.ok(msgs.includes('Pulling: Pulling image "busybox"'), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^Pulled: Successfully pulled image "busybox" in 1ms \(1ms including waiting\)\. Image size: \d+ bytes\.$/.test(m)));
  assert.ok(msgs.includes('Pulled: Container image "nginx:alpine" already present on machine'));
  assert.ok(msgs.includes('Created: Created container web-server'));
  assert.ok(msgs.includes('Started: Started container html-generator'));
  assert.equal(evs[0]!.source.component, 'kubelet');
});

test('port-forward over SPDY-in-WebSocket reaches the pod port', async () => {
  await createPod('web', { containers: [{ name: 'web', image: 'busybox', command: ['sh', '-c', 'mkdir -p /w && echo pf-ok > /w/index.html && httpd -f -p 18181 -h /w'] }] });
  await running('web');
  // kubectl 1.32 tunnels SPDY in a WebSocket; 1.29 speaks SPDY on the upgraded connection.
  for (const [bin, port] of [['kubectl', 18282], [KUBECTL_129, 18283]] as const) {
    if (!existsSync(bin) && bin !== 'kubectl') continue;
    const pf = spawn(bin, ['--kubeconfig', c.kubeconfig, 'port-forward', 'pod/web', `${port}:18181`], { env: { ...process.env, KUBECACHEDIR: path.join(c.dir, 'cache') } });
    try {
      await waitFor('forwarding', () => new Promise<boolean>((resolve) => pf.stdout!.once('data', (d: Buffer) => resolve(d.toString().includes('Forwarding')))), 15_000);
      for (let i = 0; i < 2; i++) { // two connections over one session
        const body = await new Promise<string>((resolve, reject) => http.get(`http://127.0.0.1:${port}/index.html`, { agent: false }, (res) => { let s = ''; res.on('data', (d) => (s += d)); res.on('end', () => resolve(s)); }).on('error', reject));
        assert.equal(body, 'pf-ok\n', bin);
      }
    } finally { pf.kill(); }
  }
});

test('graceful deletion: SIGTERM, teardown, pod removed', async () => {
  await createPod('term', { terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'trap "echo bye > /data/bye; exit 0" TERM; while true; do sleep 0.1; done'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }], volumes: [{ name: 'd', hostPath: { path: '/term', type: 'DirectoryOrCreate' } }] });
  const p = await running('term');
  await c.client.delete(R.pods, 'default', 'term');
  await waitFor('pod gone', async () => { try { await pod('term'); return false; } catch { return true; } });
  assert.equal(readFileSync(path.join(c.nodeRoot, 'term/bye'), 'utf8'), 'bye\n');
  assert.equal(existsSync(path.join(c.nodeRoot, 'var/lib/kubelet/pods', p.metadata.uid!)), false);
});

test('FailedMount event for a hostPath type mismatch', async () => {
  mkdirSync(path.join(c.nodeRoot, 'afile-parent'), { recursive: true });
  writeFileSync(path.join(c.nodeRoot, 'afile-parent/f'), '');
  await createPod('badmount', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '100'], volumeMounts: [{ name: 'v', mountPath: '/v' }] }], volumes: [{ name: 'v', hostPath: { path: '/afile-parent/f', type: 'Directory' } }] });
  const ev = await waitFor('FailedMount', async () => (await c.client.list<KObject & { reason?: string; message?: string }>(R.events, 'default')).items.find((e) => e.reason === 'FailedMount' && (e.involvedObject as any).name === 'badmount'));
  assert.equal(ev.message, 'MountVolume.SetUp failed for volume "v" : hostPath type check failed: /afile-parent/f is not a directory');
  const p = await pod('badmount');
  assert.equal(p.status.phase, 'Pending');
  assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
});

test('agent kill and restart: running pods re-adopted, no duplicates, data intact', async () => {
  await createPod('keeper', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo $$$$ > /data/pid; while true; do sleep 0.2; done'] /* $$ escapes $ as upstream */, volumeMounts: [{ name: 'd', mountPath: '/data' }] }], volumes: [{ name: 'd', emptyDir: {} }] });
  await running('keeper');
  await kubectl(['exec', 'keeper', '--', 'sh', '-c', 'echo precious > /data/file']);
  const before = (await pod('keeper')).status.containerStatuses[0];
  await c.agent.stop({ keepPods: true }); // as after kill -9: the sandboxes keep running
  c.agent = await c.startAgent();
  await new Promise((r) => setTimeout(r, 800));
  const after = (await pod('keeper')).status.containerStatuses[0];
  assert.equal(after.restartCount, before.restartCount);
  assert.equal(after.containerID, before.containerID);
  assert.equal(after.state.running.startedAt, before.state.running.startedAt);
  const r = await kubectl(['exec', 'keeper', '--', 'cat', '/data/file']);
  assert.equal(r.out, 'precious\n');
  const ps = await kubectl(['exec', 'keeper', '--', 'sh', '-c', 'ps -o args | grep -c "^sh -c echo"']);
  assert.equal(ps.out.trim(), '1'); // one main process: not started a second time
  assert.equal((await kubectl(['exec', 'keeper', '--', 'cat', '/data/pid'])).out, '2\n');
});

const events = async (pod: string) => (await c.client.list<KObject & { reason?: string; message?: string; type?: string }>(R.events, 'default')).items.filter((e) => (e.involvedObject as any).name === pod);
/** The pod's events as `format` renders them, once they include every wanted line (the recorder writes asynchronously). */
const eventLines = (pod: string, format: (e: { type?: string; reason?: string; message?: string }) => string, wanted: string[]) =>
  waitFor(`events of ${pod}: ${wanted.join(' | ')}`, async () => { const l = (await events(pod)).map(format); return wanted.every((w) => l.includes(w)) && l; });

test('init containers run first, in order; Initialized condition', async () => {
  await createPod('withinit', {
    initContainers: [
      { name: 'one', image: 'busybox', command: ['sh', '-c', 'echo one >> /work/log'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
      { name: 'two', image: 'busybox', command: ['sh', '-c', 'echo two >> /work/log'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
    ],
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'cat /work/log; sleep 3600'], volumeMounts: [{ name: 'w', mountPath: '/work' }] }],
    volumes: [{ name: 'w', emptyDir: {} }],
  });
  const p = await running('withinit');
  assert.equal(p.status.conditions.find((x: any) => x.type === 'Initialized').status, 'True');
  assert.deepEqual(p.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.reason, s.ready]), [['one', 'Completed', true], ['two', 'Completed', true]]);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await kubectl(['logs', 'withinit', '-c', 'app'])).out, 'one\ntwo\n');
  assert.equal((await kubectl(['logs', 'withinit', '-c', 'one'])).out, '');
});

test('readiness and liveness probes: NotReady until the probe passes; liveness failure restarts', async () => {
  await createPod('probed', { containers: [{
    // /tmp/alive appears a moment after the start: as upstream, the first liveness probe runs a period later.
    name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 0.4; touch /tmp/alive; sleep 3600'],
    readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
    livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
  }] });
  const p = await running('probed');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await pod('probed')).status.containerStatuses[0].restartCount, 0, 'no liveness probe before a period has passed');
  const ready = p.status.conditions.find((x: any) => x.type === 'Ready');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [app]');
  await kubectl(['exec', 'probed', '--', 'touch', '/tmp/ready']);
  await waitFor('Ready', async () => (await pod('probed')).status.conditions.find((x: any) => x.type === 'Ready').status === 'True');
  await kubectl(['exec', 'probed', '--', 'rm', '/tmp/alive']);
  await waitFor('restart after liveness failure', async () => (await pod('probed')).status.containerStatuses[0].restartCount === 1, 10_000);
  await eventLines('probed', (e) => `${e.type} ${e.reason}: ${e.message}`, [
    'Warning Unhealthy: Liveness probe failed: cat: can\'t open \'/tmp/alive\': No such file or directory\n',
    'Normal Killing: Container app failed liveness probe, will be restarted',
  ]);
});

test('unknown image: placeholder with a Warning (default), ErrImagePull under the strict policy', async () => {
  await createPod('ph', { containers: [{ name: 'db', image: 'postgres:16', command: ['sh', '-c', 'echo placeholder; sleep 3600'], env: [{ name: 'STORY_FOLDER', value: 'story' }] }] });
  await running('ph');
  // The placeholder runs on the busybox root filesystem: exec and the usual tools work (seed-003).
  assert.deepEqual(await kubectl(['exec', 'ph', '--', 'printenv', 'STORY_FOLDER']), { code: 0, out: 'story\n' });
  assert.equal((await kubectl(['exec', 'ph', '--', 'printenv', 'NOT_SET'])).code, 1);
  const ev = await waitFor('ImageNotPresent', async () => (await events('ph')).find((e) => e.reason === 'ImageNotPresent'));
  assert.equal(ev.type, 'Warning');
  assert.match(ev.message!, /^Image "postgres:16" is not in the node's image store/);
  const { startNodeAgent } = await import('./index.js');
  const strict = await startNodeAgent({ client: c.client, nodeName: 'strict', nodeRoot: path.join(c.dir, 'nodes/strict'), imageDir: path.join(c.dir, '..', 'stowage-test-images'), kubeletToken: 'x', imagePolicy: 'strict', log: (m, x) => console.log('STRICT', m, JSON.stringify(x)) });
  try {
    await c.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'strictpod', namespace: 'default' }, spec: { nodeName: 'strict', containers: [{ name: 'db', image: 'postgres:16' }] } });
    const p = await waitFor('ErrImagePull', async () => { const x = await pod('strictpod'); return x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' && x; });
    assert.equal(p.status.phase, 'Pending');
    await eventLines('strictpod', (e) => `${e.reason}: ${e.message}`, ['Failed: Error: ErrImagePull', 'Pulling: Pulling image "postgres:16"']);
  } finally { await c.client.delete(R.pods, 'default', 'strictpod', { gracePeriodSeconds: 0 }).catch(() => {}); await strict.stop(); }
});

test('subPath through a symlink out of the volume: CreateContainerConfigError', async () => {
  mkdirSync(path.join(c.nodeRoot, 'shared'), { recursive: true });
  const { symlinkSync } = await import('node:fs');
  symlinkSync('/', path.join(c.nodeRoot, 'shared/escape'));
  await createPod('subevil', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'v', mountPath: '/x', subPath: 'escape/etc' }] }], volumes: [{ name: 'v', hostPath: { path: '/shared' } }] });
  const p = await waitFor('CreateContainerConfigError', async () => { const x = await pod('subevil'); return x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' && x; });
  assert.equal(p.status.containerStatuses[0].state.waiting.message, 'failed to prepare subPath for volumeMount "v" of container "app"');
  await eventLines('subevil', (e) => `${e.type} ${e.reason}: ${e.message}`, ['Warning Failed: Error: failed to prepare subPath for volumeMount "v" of container "app"']);
});

test('kubectl cp (tar over exec) and exec -it with a pty', async () => {
  const local = path.join(c.dir, 'copied');
  const r = await kubectl(['cp', '-c', 'html-generator', 'fortune:/etc/hostname', local]);
  assert.equal(r.code, 0, r.out);
  assert.equal(readFileSync(local, 'utf8'), 'fortune\n');
  writeFileSync(path.join(c.dir, 'up.txt'), 'uploaded\n');
  assert.equal((await kubectl(['cp', '-c', 'html-generator', path.join(c.dir, 'up.txt'), 'fortune:/tmp/up.txt'])).code, 0);
  assert.equal((await kubectl(['exec', 'fortune', '-c', 'html-generator', '--', 'cat', '/tmp/up.txt'])).out, 'uploaded\n');
  // kubectl needs a terminal for -t: give it one with script(1).
  const out = await new Promise<string>((resolve) => {
    const cmd = `kubectl --kubeconfig ${c.kubeconfig} exec -it fortune -c html-generator -- sh -c '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; printf "a\\nb\\n"'`;
    execFile('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, KUBECACHEDIR: path.join(c.dir, 'cache') }, timeout: 20_000 }, (_e, so) => resolve(so));
  });
  assert.match(out, /is-a-tty\r\n/);
  assert.match(out, /a\r\nb\r\n/); // the pty's onlcr: a terminal, not a pipe
});

test('kill -9 of an agent process: the next agent re-adopts its pods, data intact, no duplicates', async () => {
  // Runs from src (tsx) and from dist (compiled): pick the sibling file of the same kind.
  const fromTs = import.meta.url.endsWith('.ts');
  const script = path.join(import.meta.dirname, `testing/agent-process.${fromTs ? 'ts' : 'js'}`);
  const nodeRoot = path.join(c.dir, 'nodes/proc');
  const start = () => new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
    const p = spawn(process.execPath, [...(fromTs ? ['--import', 'tsx'] : []), script, c.kubeconfig, 'proc', nodeRoot, path.join(c.dir, '..', 'stowage-test-images'), c.kubeletToken], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout!.once('data', (d: Buffer) => (d.toString().startsWith('ready') ? resolve(p) : reject(new Error(d.toString()))));
    p.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
  let agent = await start();
  try {
    await c.client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'survivor', namespace: 'default' }, spec: { nodeName: 'proc', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while true; do date +%s >> /data/ticks; sleep 0.2; done'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }], volumes: [{ name: 'd', emptyDir: {} }] } });
    const before = (await running('survivor')).status.containerStatuses[0];
    await kubectl(['exec', 'survivor', '--', 'sh', '-c', 'echo precious > /data/file']);
    const netnsBefore = (await kubectl(['exec', 'survivor', '--', 'readlink', '/proc/self/ns/net'])).out;
    const podDir = path.join(nodeRoot, 'var/lib/kubelet/pods', (await pod('survivor')).metadata.uid!);
    const pause = podNamespacePaths(podDir);
    assert.ok(pause, 'the pod has a pause process');
    agent.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    // The container kept running without its agent.
    const ticks = readFileSync(path.join(nodeRoot, 'var/lib/kubelet/pods', (await pod('survivor')).metadata.uid!, 'volumes/kubernetes.io~empty-dir/d/ticks'), 'utf8').trim().split('\n').length;
    await new Promise((r) => setTimeout(r, 600));
    const ticks2 = readFileSync(path.join(nodeRoot, 'var/lib/kubelet/pods', (await pod('survivor')).metadata.uid!, 'volumes/kubernetes.io~empty-dir/d/ticks'), 'utf8').trim().split('\n').length;
    assert.ok(ticks2 > ticks, 'container still running while no agent');
    agent = await start();
    await new Promise((r) => setTimeout(r, 800));
    const after = (await pod('survivor')).status.containerStatuses[0];
    assert.equal(after.containerID, before.containerID);
    assert.equal(after.restartCount, 0);
    assert.equal((await kubectl(['exec', 'survivor', '--', 'cat', '/data/file'])).out, 'precious\n');
    assert.equal((await kubectl(['exec', 'survivor', '--', 'sh', '-c', 'ps -o args | grep -c "^sh -c while"'])).out.trim(), '1');
    // Same pod sandbox: the pause process and the network namespace were found again, not made anew.
    assert.deepEqual(podNamespacePaths(podDir), pause);
    assert.equal((await kubectl(['exec', 'survivor', '--', 'readlink', '/proc/self/ns/net'])).out, netnsBefore);
    assert.match((await kubectl(['logs', 'survivor', '--tail=1'])).out, /^$/); // the loop writes nothing to stdout
    // Deleting the pod through the new agent still tears everything down.
    await c.client.delete(R.pods, 'default', 'survivor', { gracePeriodSeconds: 1 });
    await waitFor('survivor gone', async () => { try { await pod('survivor'); return false; } catch { return true; } });
    const pausePid = Number(pause!.net.split('/')[2]);
    await waitFor('the pause process is gone with the pod', async () => {
      try { const st = readFileSync(`/proc/${pausePid}/stat`, 'utf8'); return st.slice(st.lastIndexOf(')') + 2).startsWith('Z'); } catch { return true; }
    });
  } finally { agent.kill('SIGKILL'); }
});

test('logs -f follows until the container ends; restartPolicy Never ends Succeeded / Failed', async () => {
  await createPod('job-ok', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.3; done'] }] });
  await createPod('job-fail', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 2'] }] });
  await waitFor('job-ok started', async () => (await pod('job-ok')).status?.containerStatuses?.[0]?.state?.running);
  const t0 = Date.now();
  const f = await kubectl(['logs', '-f', 'job-ok']);
  assert.equal(f.out, 'line1\nline2\nline3\n');
  assert.ok(Date.now() - t0 >= 300);
  const ok = await waitFor('Succeeded', async () => { const x = await pod('job-ok'); return x.status?.phase === 'Succeeded' && x; });
  assert.equal(ok.status.containerStatuses[0].state.terminated.reason, 'Completed');
  assert.equal(ok.status.conditions.find((x: any) => x.type === 'Ready').reason, 'PodCompleted');
  // A terminal pod keeps no sandbox: its network namespace is unpinned.
  await waitFor('sandbox released', async () => !podNamespacesExist(path.join(c.nodeRoot, 'var/lib/kubelet/pods', ok.metadata.uid!)));
  const bad = await waitFor('Failed', async () => { const x = await pod('job-fail'); return x.status?.phase === 'Failed' && x; });
  assert.deepEqual([bad.status.containerStatuses[0].state.terminated.exitCode, bad.status.containerStatuses[0].state.terminated.reason], [2, 'Error']);
  assert.equal(bad.status.containerStatuses[0].restartCount, 0);
});

test('a disk emptyDir over its sizeLimit evicts the pod', async () => {
  await createPod('hog', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 0.3; dd if=/dev/zero of=/cache/big bs=1024 count=2048 2>/dev/null; sleep 3600'], volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }], volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Mi' } }] });
  const p = await waitFor('Evicted', async () => { const x = await pod('hog'); return x.status?.reason === 'Evicted' && x; }, 15_000);
  assert.equal(p.status.phase, 'Failed');
  assert.equal(p.status.message, 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ');
  const ev = await waitFor('Evicted event', async () => (await events('hog')).find((e) => e.reason === 'Evicted'));
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ');
  assert.ok(p.status.containerStatuses[0].state.terminated);
});

test('attach -i reaches the container stdin and follows its output; exec -it gets the terminal size', async () => {
  await createPod('att', { containers: [{ name: 'app', image: 'busybox', stdin: true, command: ['sh', '-c', 'while true; do read -t 0.2 line && echo got:$line; done'] }] });
  await running('att');
  const p = spawn('kubectl', ['--kubeconfig', c.kubeconfig, 'attach', '-i', 'att'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECACHEDIR: path.join(c.dir, 'cache') } });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d));
  try {
    await new Promise((r) => setTimeout(r, 1000));
    p.stdin!.write('hello\n');
    await waitFor('echo through attach', async () => out.includes('got:hello'), 5000);
  } finally { p.kill(); }
  const sized = await new Promise<string>((resolve) => execFile('script', ['-qec', `stty cols 100 rows 30; kubectl --kubeconfig ${c.kubeconfig} exec -it att -- sh -c 'sleep 0.3; stty size'`, '/dev/null'], { env: { ...process.env, KUBECACHEDIR: path.join(c.dir, 'cache') }, timeout: 20_000 }, (_e, so) => resolve(so)));
  assert.equal(sized.trim(), '30 100');
});

test('full agent stop (cluster shutdown) leaves no processes or mounts; the next start restarts pods with their disk data', async () => {
  await createPod('reboot', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }, { name: 'm', mountPath: '/mem' }] }], volumes: [{ name: 'd', emptyDir: {} }, { name: 'm', emptyDir: { medium: 'Memory' } }] });
  const p = await running('reboot');
  await kubectl(['exec', 'reboot', '--', 'sh', '-c', 'echo kept > /data/f']);
  await c.agent.stop();
  const podDir = path.join(c.nodeRoot, 'var/lib/kubelet/pods', p.metadata.uid!);
  assert.equal(readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(c.nodeRoot)).length, 0);
  assert.equal(readFileSync('/proc/self/mounts', 'utf8').includes(podDir), false);
  c.agent = await c.startAgent();
  const after = await waitFor('restarted', async () => { const x = await pod('reboot'); return x.status.containerStatuses[0].restartCount === 1 && x.status.containerStatuses[0].state.running && x; });
  assert.equal(after.status.containerStatuses[0].lastState.terminated.exitCode, 143); // SIGTERM
  assert.equal((await kubectl(['exec', 'reboot', '--', 'cat', '/data/f'])).out, 'kept\n');
  assert.match((await kubectl(['exec', 'reboot', '--', 'sh', '-c', "grep ' /mem ' /proc/mounts"])).out, /^tmpfs /);
});

test('securityContext runAsUser/runAsGroup: the container and kubectl exec run as that user', async () => {
  await createPod('as-user', {
    securityContext: { runAsUser: 1000, runAsGroup: 3000 },
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'id; echo hi > /cache/f; touch /etc/x 2>&1; sleep 3600'], volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  });
  const p = await running('as-user');
  await waitFor('logs', async () => (await kubectl(['logs', 'as-user'])).out.split('\n').length >= 3);
  assert.deepEqual((await kubectl(['logs', 'as-user'])).out, 'uid=1000 gid=3000 groups=3000\ntouch: /etc/x: Permission denied\n');
  assert.equal((await kubectl(['exec', 'as-user', '--', 'id'])).out, 'uid=1000 gid=3000 groups=3000\n');
  const f = statSync(path.join(c.nodeRoot, 'var/lib/kubelet/pods', p.metadata.uid!, 'volumes/kubernetes.io~empty-dir/cache/f'));
  assert.deepEqual([f.uid, f.gid], [1000, 3000]);
});

test('fsGroup: volumes handed to the group (setgid directories, secret 0400 → 0440); runAsNonRoot refuses root', async () => {
  await c.client.create(R.secrets, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'fsg-secret' }, data: { key: Buffer.from('s3cret').toString('base64') } });
  // The security-context walkthrough of the Kubernetes docs, with a secret only its owner (root) could read.
  await createPod('fsg', {
    securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 },
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo x > /data/demo/f; sleep 3600'], volumeMounts: [{ name: 'sec-ctx-vol', mountPath: '/data/demo' }, { name: 'sec', mountPath: '/sec' }] }],
    volumes: [{ name: 'sec-ctx-vol', emptyDir: {} }, { name: 'sec', secret: { secretName: 'fsg-secret', defaultMode: 0o400 } }],
  });
  await running('fsg');
  const sh = async (cmd: string) => (await kubectl(['exec', 'fsg', '--', 'sh', '-c', cmd])).out;
  assert.equal(await sh('id'), 'uid=1000 gid=3000 groups=2000,3000\n');
  await waitFor('file written', async () => (await sh('cat /data/demo/f')) === 'x\n');
  assert.equal(await sh('stat -c "%a %g" /data/demo /data/demo/f'), '2777 2000\n644 2000\n', 'setgid directory: new files take the fsGroup');
  assert.equal(await sh('stat -L -c "%a %g" /sec/key; cat /sec/key'), '440 2000\ns3cret');

  // runAsNonRoot: the busybox image runs as root; an explicit runAsUser 0 breaks the policy; uid 1000 runs.
  await createPod('non-root', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] });
  await createPod('root-user', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], securityContext: { runAsUser: 0 } }] });
  await createPod('non-root-ok', { securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] });
  await running('non-root-ok');
  for (const [name, text] of [['non-root', 'container has runAsNonRoot and image will run as root'], ['root-user', "container's runAsUser breaks non-root policy"]]) {
    const p = await waitFor(`${name} waiting`, async () => { const x = await pod(name!); return x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' && x; });
    const msg = `${text} (pod: "${name}_default(${p.metadata.uid})", container: app)`;
    assert.equal(p.status.containerStatuses[0].state.waiting.message, msg);
    await waitFor(`${name} Failed event`, async () => (await events(name!)).some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === `Error: ${msg}`));
    assert.match((await kubectl(['get', 'pod', name!, '--no-headers'])).out, /0\/1\s+CreateContainerConfigError/);
  }
});

test('kubectl debug: an ephemeral container runs once beside the app, with its status, logs, events and -i attached', async () => {
  await createPod('debugged', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo data > /work/f; sleep 3600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }], volumes: [{ name: 'work', emptyDir: {} }] });
  await running('debugged');
  const d = await kubectl(['debug', 'debugged', '--image=busybox', '--container=dbg', '--', 'sh', '-c', 'echo from-debug; hostname']);
  assert.equal(d.code, 0, d.out);
  const p = await waitFor('dbg terminated', async () => { const x = await pod('debugged'); return x.status?.ephemeralContainerStatuses?.[0]?.state?.terminated && x; });
  const st = p.status.ephemeralContainerStatuses[0];
  assert.deepEqual([st.name, st.ready, st.restartCount, st.state.terminated.reason, st.state.terminated.exitCode, 'started' in st], ['dbg', false, 0, 'Completed', 0, false]);
  assert.match(st.state.terminated.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal((await kubectl(['logs', 'debugged', '-c', 'dbg'])).out, 'from-debug\ndebugged\n');
  await waitFor('Started event on the ephemeral container', async () => (await c.client.list<KObject & { reason?: string; involvedObject?: any }>(R.events, 'default')).items
    .some((e) => e.reason === 'Started' && e.involvedObject?.name === 'debugged' && e.involvedObject?.fieldPath === 'spec.ephemeralContainers{dbg}'));
  // Not restarted: still terminated a moment later; the app keeps running.
  await new Promise((r) => setTimeout(r, 700));
  const again = await pod('debugged');
  assert.ok(again.status.ephemeralContainerStatuses[0].state.terminated);
  assert.equal(again.status.containerStatuses[0].restartCount, 0);
  // -i: kubectl waits for the container, attaches, and the session's stdin reaches it.
  const i = await kubectl(['debug', '-i', 'debugged', '--image=busybox', '--container=dbg2', '--', 'sh'], { input: 'echo interactive-$((6*7))\nexit 0\n' });
  assert.match(i.out, /interactive-42/);
  // --target: the target's PID namespace: its processes, and its files (volumes included) under /proc/<pid>/root.
  const t = await kubectl(['debug', 'debugged', '--image=busybox', '--target=app', '--container=tgt', '--', 'sh', '-c', 'cat /proc/2/root/work/f; ps -o args | grep -c "^sleep 3600"']);
  assert.equal(t.code, 0, t.out);
  await waitFor('tgt done', async () => (await pod('debugged')).status?.ephemeralContainerStatuses?.find((x: any) => x.name === 'tgt')?.state?.terminated);
  assert.equal((await kubectl(['logs', 'debugged', '-c', 'tgt'])).out, 'data\n1\n');
  const names = ((await pod('debugged')).spec as any).ephemeralContainers.map((x: any) => x.name);
  assert.deepEqual(names, ['dbg', 'dbg2', 'tgt']);
  // kubectl debug node/…: a hostNetwork pod with the node's root at /host and the node's hostname.
  const n = await kubectl(['debug', 'node/node1', '-i', '--image=busybox'], { input: 'hostname; ls /host\nexit 0\n' });
  assert.match(n.out, /^node1$/m);
  assert.match(n.out, /^var$/m, 'the node root (other tests leave files beside var)');
});

test('a command not in the image: StartError, exit code 128, runc\'s message in the status and a Failed event', async () => {
  await createPod('no-cmd', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['no-such-command'] }] });
  const p = await waitFor('Failed', async () => { const x = await pod('no-cmd'); return x.status?.phase === 'Failed' && x; });
  const t = p.status.containerStatuses[0].state.terminated;
  assert.deepEqual([t.exitCode, t.reason], [128, 'StartError']);
  const msg = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "no-such-command": executable file not found in $PATH: unknown';
  assert.equal(t.message, msg);
  await waitFor('Failed event', async () => (await events('no-cmd')).some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === `Error: ${msg}`));
});

test('sidecar init containers (restartPolicy Always): started before the app, kept running, READY 2/2; stopped when a Never pod\'s app is done', async () => {
  await createPod('with-sidecar', {
    // The startupProbe holds the app back until the sidecar has written (without one it counts as started at once).
    initContainers: [{ name: 'log-shipper', image: 'busybox', restartPolicy: 'Always', command: ['sh', '-c', 'while true; do date +%s >> /shared/ticks; sleep 0.1; done'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
      startupProbe: { exec: { command: ['test', '-s', '/shared/ticks'] }, periodSeconds: 1 } }],
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'test -s /shared/ticks && echo sidecar-was-first; sleep 3600'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
    volumes: [{ name: 'shared', emptyDir: {} }],
  });
  const p = await running('with-sidecar');
  const side = p.status.initContainerStatuses[0];
  assert.deepEqual([side.name, !!side.state.running, side.started, side.ready], ['log-shipper', true, true, true]);
  assert.equal(p.status.conditions.find((x: any) => x.type === 'Initialized').status, 'True');
  await waitFor('app log', async () => (await kubectl(['logs', 'with-sidecar', '-c', 'app'])).out === 'sidecar-was-first\n');
  const row = (await kubectl(['get', 'pod', 'with-sidecar', '--no-headers'])).out.trim().split(/\s+/);
  assert.deepEqual(row.slice(1, 3), ['2/2', 'Running']);

  // A run-to-completion pod: its app finishes, the sidecar is stopped, the pod Succeeds.
  await createPod('job-with-sidecar', {
    restartPolicy: 'Never', terminationGracePeriodSeconds: 2,
    initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'] }],
    containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'echo done'] }],
  });
  const done = await waitFor('Succeeded', async () => { const x = await pod('job-with-sidecar'); return x.status?.phase === 'Succeeded' && x; }, 15_000);
  assert.equal(done.status.containerStatuses[0].state.terminated.reason, 'Completed');
  assert.ok(done.status.initContainerStatuses[0].state.terminated, 'the sidecar was stopped');
});
