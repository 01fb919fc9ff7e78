// The real kubectl against an API server (HTTPS, SQLite) with the scheduler and workload controllers running
// and a stand-in kubelet (pods bound to a node turn Running/Ready; graceful deletions complete): rollout
// status, StatefulSet order and scale, and seed 004's drain leaving the pod Pending with the upstream message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import type { Kubectl } from '../apiserver/testing/kubectl.js';
import { kubectlServer, type KubectlServer } from '../apiserver/testing/kubectl-server.js';
import { cluster } from '../controllers/replicaset/integration.js';
import { startScheduler } from './index.js';
import { CONTROL_PLANE_TAINT, eventually, localPV, node, pvc, storageClass } from './testing/fixtures.js';
import type { Pod } from '../util/types.js';

let srv: KubectlServer, k: Kubectl;
let stopAll: () => Promise<void>;

before(async () => {
  srv = await kubectlServer('sched-e2e');
  k = srv.kubectl;
  const c = await cluster({ server: srv.server, kubelet: true });
  const s = await startScheduler({ client: c.client, informers: c.informers });
  const client = c.client;
  await client.create(R.nodes, undefined, node('k8s-m', { taints: [CONTROL_PLANE_TAINT], labels: { 'node-role.kubernetes.io/control-plane': '' } }));
  for (const n of ['k8s-w1', 'k8s-w2', 'k8s-w3']) await client.create(R.nodes, undefined, node(n));
  stopAll = async () => { s.stop(); c.informers.stopAll(); };
});
after(async () => {
  await stopAll();
  await srv.close();
});

/** An nginx Deployment as `kubectl apply` gets it, labelled app=<name>. */
const deploymentYaml = (name: string, spec: Record<string, unknown>, podSpec: Record<string, unknown> = {}) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { ...spec, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { ...podSpec, containers: [{ name: 'nginx', image: 'nginx' }] } } },
});

test('kubectl rollout status deployment succeeds once the controller reports it', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: deploymentYaml('web', { replicas: 3 }) });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment "web" successfully rolled out/);
  r = await k.run(['rollout', 'restart', 'deployment/web']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'history', 'deployment/web']);
  assert.match(r.stdout, /^1\s/m); assert.match(r.stdout, /^2\s/m);
  r = await k.run(['rollout', 'undo', 'deployment/web']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr);
  const d = await srv.server.client().get(R.deployments, 'default', 'web');
  assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  r = await k.run(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}']);
  assert.ok(r.stdout.split(' ').every((n) => /^k8s-w[123]$/.test(n)), r.stdout);
  await k.run(['delete', 'deployment', 'web']);
});

test('kubectl rollout status fails once a rollout has made no progress for progressDeadlineSeconds', async () => {
  // Its pod can never be scheduled: no progress.
  let r = await k.run(['apply', '-f', '-'], { input: deploymentYaml('stuck', { replicas: 1, progressDeadlineSeconds: 2 }, { nodeSelector: { disktype: 'none-has-it' } }) });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/stuck', '--timeout=20s']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').pop(), 'error: deployment "stuck" exceeded its progress deadline');
  r = await k.run(['get', 'deployment', 'stuck', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}']);
  assert.equal(r.stdout, 'ProgressDeadlineExceeded');
  await k.run(['delete', 'deployment', 'stuck']);
});

test('StatefulSet: ordered pods, rollout status, scale down from the top', async () => {
  const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: myapp-sts
spec:
  selector:
    matchLabels:
      app: myapp-sts
  serviceName: myapp-svc-headless
  replicas: 3
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: myapp-sts
    spec:
      containers:
      - name: myapp
        image: ghcr.io/c1t1d0s7/go-myweb
`;
  let r = await k.run(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'statefulset/myapp-sts', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const client = srv.server.client();
  const pods = (await client.list<Pod>(R.pods, 'default')).items.filter((p) => p.metadata.name!.startsWith('myapp-sts-'));
  const created = (n: number) => Date.parse(pods.find((p) => p.metadata.name === `myapp-sts-${n}`)!.metadata.creationTimestamp!);
  assert.ok(created(0) <= created(1) && created(1) <= created(2));
  r = await k.run(['scale', 'statefulset', 'myapp-sts', '--replicas=1']);
  assert.equal(r.code, 0, r.stderr);
  await eventually(async () => (await client.list(R.pods, 'default')).items.filter((p) => p.metadata.name!.startsWith('myapp-sts-')).length === 1, 10_000, 'scale down');
  const dels = await eventually(async () => { const d = (await client.list(R.events, 'default')).items.filter((e) => e.reason === 'SuccessfulDelete' && String(e.message).includes('StatefulSet')).map((e) => e.message); return d.length >= 2 ? d : undefined; }, 5000, 'SuccessfulDelete events');
  assert.deepEqual(dels, ['delete Pod myapp-sts-2 in StatefulSet myapp-sts successful', 'delete Pod myapp-sts-1 in StatefulSet myapp-sts successful']);
  await k.run(['delete', 'statefulset', 'myapp-sts']);
});

test('seed 004: drain leaves the pod Pending with the upstream FailedScheduling message', async () => {
  const client = srv.server.client();
  await client.create(R.storageclasses, undefined, storageClass('local-storage'));
  const claim = await client.create(R.persistentvolumeclaims, 'default', pvc('pod-pv-claim'));
  const pv = localPV('pvc-1', 'k8s-w2', { claim: { name: 'pod-pv-claim', uid: claim.metadata.uid } });
  delete (pv as KObject).status;
  await client.create(R.persistentvolumes, undefined, pv);
  await client.patch(R.persistentvolumes, undefined, 'pvc-1', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
  await client.patch(R.persistentvolumeclaims, 'default', 'pod-pv-claim', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pvc-1' } });
  await client.patch(R.persistentvolumeclaims, 'default', 'pod-pv-claim', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
  let r = await k.run(['apply', '-f', '-'], { input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: date-pod
spec:
  replicas: 1
  selector:
    matchLabels:
      app: date
  template:
    metadata:
      labels:
        app: date
    spec:
      containers:
      - name: date-pod
        image: busybox
        volumeMounts:
        - name: v
          mountPath: /doik-pod-pv
      volumes:
      - name: v
        persistentVolumeClaim:
          claimName: pod-pv-claim
` });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/date-pod', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['drain', 'k8s-w2', '--force', '--ignore-daemonsets', '--timeout=30s']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /node\/k8s-w2 drained/);
  const msg = '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';
  const out = await eventually(async () => { const d = await k.run(['describe', 'pod', '-l', 'app=date']); return d.stdout.includes('FailedScheduling') ? d.stdout : undefined; }, 10_000, 'FailedScheduling');
  assert.ok(out.replace(/\s+/g, ' ').includes(msg), out);
  r = await k.run(['get', 'pod', '-l', 'app=date', '-o', 'jsonpath={.items[0].status.phase}']);
  assert.equal(r.stdout, 'Pending');
  r = await k.run(['uncordon', 'k8s-w2']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['rollout', 'status', 'deployment/date-pod', '--timeout=20s']);
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['get', 'pod', '-l', 'app=date', '-o', 'jsonpath={.items[0].spec.nodeName}']);
  assert.equal(r.stdout, 'k8s-w2');
});
