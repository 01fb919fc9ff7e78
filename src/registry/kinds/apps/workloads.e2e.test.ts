// The workload kinds through the real kubectl and the API server (no controllers): defaults as users see
// them in -o yaml, upstream validation errors as kubectl prints them, and the server-side tables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kubectl } from '../../../apiserver/testing/kubectl.js';
import { kubectlServer, type KubectlServer } from '../../../apiserver/testing/kubectl-server.js';

let srv: KubectlServer;
let k: Kubectl;

before(async () => {
  srv = await kubectlServer('workloads-e2e');
  k = srv.kubectl;
});

after(async () => { await srv.close(); });

const FORTUNE = `apiVersion: v1
kind: Pod
metadata:
  name: fortune
spec:
  containers:
  - image: busybox
    name: html-generator
    volumeMounts:
    - name: html
      mountPath: /var/htdocs
  - image: nginx:alpine
    name: web-server
    volumeMounts:
    - name: html
      mountPath: /usr/share/nginx/html
      readOnly: true
  volumes:
  - name: html
    emptyDir: {}
  - name: git
    gitRepo:
      repository: https://example.com/site.git
      directory: .
`;

test('pod: defaults, gitRepo warning, table', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: FORTUNE });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: spec\.volumes\[1\]\.gitRepo: deprecated in v1\.11/);
  r = await k.run(['get', 'pod', 'fortune', '-o', 'jsonpath={.spec.containers[*].imagePullPolicy} {.spec.restartPolicy} {.status.phase} {.status.qosClass} {.spec.tolerations[0].key}']);
  assert.equal(r.stdout, 'Always IfNotPresent Always Pending BestEffort node.kubernetes.io/not-ready');
  r = await k.run(['get', 'pod', 'fortune', '-o', 'wide', '--no-headers']);
  assert.match(r.stdout, /^fortune\s+0\/2\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$/m);
});

test('pod: upstream errors as kubectl prints them', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: noimg}\nspec:\n  containers: [{name: web}]\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The Pod "noimg" is invalid: spec\.containers\[0\]\.image: Required value/);
  r = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: badmount}\nspec:\n  containers: [{name: web, image: busybox, volumeMounts: [{name: dat, mountPath: /d, subPath: ../x}]}]\n  volumes: [{name: data, emptyDir: {}}]\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\* spec\.containers\[0\]\.volumeMounts\[0\]\.name: Not found: "dat"/);
  assert.match(r.stderr, /\* spec\.containers\[0\]\.volumeMounts\.subPath: Invalid value: "\.\.\/x": must not contain '\.\.'/);
  r = await k.run(['apply', '-f', '-'], { input: FORTUNE.replace('emptyDir: {}', 'hostPath: {path: /tmp/x}') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The Pod "fortune" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
});

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx:1.27}
`;

test('deployment: defaults, generation, selector mismatch, table', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: DEPLOY });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.strategy.rollingUpdate.maxSurge} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds} {.metadata.generation}']);
  assert.equal(r.stdout, '25% 10 600 1');
  r = await k.run(['scale', 'deploy', 'web', '--replicas=3']);
  r = await k.run(['get', 'deploy', 'web', '-o', 'wide', '--no-headers']);
  assert.match(r.stdout, /^web\s+0\/[23]\s+0\s+0\s+\S+\s+web\s+nginx:1\.27\s+app=web$/m);
  r = await k.run(['apply', '-f', '-'], { input: DEPLOY.replace('name: web\n', 'name: bad\n').replace('labels: {app: web}', 'labels: {app: nginx}') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The Deployment "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"nginx"\}: `selector` does not match template `labels`/);
});

const STS = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  serviceName: web
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

test('statefulset: claim template defaults, forbidden update message, table', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: STS });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['get', 'sts', 'web', '-o', 'jsonpath={.spec.podManagementPolicy} {.spec.updateStrategy.rollingUpdate.partition} {.spec.volumeClaimTemplates[0].spec.volumeMode} {.spec.volumeClaimTemplates[0].status.phase}']);
  assert.equal(r.stdout, 'OrderedReady 0 Filesystem Pending');
  r = await k.run(['get', 'sts', '--no-headers']);
  assert.match(r.stdout, /^web\s+0\/2\s+\S+$/m);
  r = await k.run(['apply', '-f', '-'], { input: STS.replace('storage: 1Gi', 'storage: 2Gi') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/);
});

test('service and endpoints tables', async () => {
  let r = await k.run(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: web-headless}
subsets:
- addresses: [{ip: 10.42.0.1}, {ip: 10.42.0.2}, {ip: 10.42.0.3}, {ip: 10.42.0.4}]
  ports: [{name: http, port: 80}]
` });
  assert.equal(r.code, 0, r.stderr);
  r = await k.run(['get', 'svc', 'web-headless', '-o', 'wide', '--no-headers']);
  assert.match(r.stdout, /^web-headless\s+ClusterIP\s+None\s+<none>\s+80\/TCP\s+\S+\s+app=web$/m);
  r = await k.run(['get', 'ep', 'web-headless', '--no-headers']);
  assert.match(r.stdout, /^web-headless\s+10\.42\.0\.1:80,10\.42\.0\.2:80,10\.42\.0\.3:80 \+ 1 more\.\.\.\s+\S+$/m);
});
