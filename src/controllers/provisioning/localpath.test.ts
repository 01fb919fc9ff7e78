// local-path provisioner: config rules and errors as upstream, the PV it returns, and the helper pod it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeConfig, LocalPathProvisioner, pathOnNode } from './localpath.js';
import { MemoryApi } from '../pvbinder/testkit.js';
import { R } from '../../api/gvr.js';
import type { HelperPodRunner } from './helperpod.js';
import type { Node, PersistentVolumeClaim, Pod, StorageClass } from '../pvbinder/types.js';

test('config.json rules with upstream messages', () => {
  assert.throws(() => canonicalizeConfig({ nodePathMap: [{ node: 'a', paths: ['rel'] }] }), { message: 'config canonicalization failed: path must start with / for path rel on node a' });
  assert.throws(() => canonicalizeConfig({ nodePathMap: [{ node: 'a', paths: ['/'] }] }), { message: "config canonicalization failed: cannot use root ('/') as path on node a" });
  assert.throws(() => canonicalizeConfig({ nodePathMap: [{ node: 'a', paths: ['/x', '/x'] }] }), { message: 'config canonicalization failed: duplicate path /x on node a' });
  assert.throws(() => canonicalizeConfig({ nodePathMap: [{ node: 'a', paths: [] }, { node: 'a', paths: [] }] }), { message: 'config canonicalization failed: duplicate node a' });
  const cfg = canonicalizeConfig({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/opt/lp'] }, { node: 'full', paths: [] }] });
  assert.equal(pathOnNode(cfg, 'w1'), '/opt/lp');
  assert.throws(() => pathOnNode(cfg, 'full'), { message: 'no local path available on node full' });
  assert.throws(() => pathOnNode(canonicalizeConfig({ nodePathMap: [] }), 'w1'), { message: "config doesn't contain node w1, and no DEFAULT_PATH_FOR_NON_LISTED_NODES available" });
});

const sc: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
const node: Node = { metadata: { name: 'k8s-w2', labels: { 'kubernetes.io/hostname': 'k8s-w2' } } };
const claim = (o: Partial<PersistentVolumeClaim['spec']> = {}, ann?: Record<string, string>): PersistentVolumeClaim => ({
  metadata: { name: 'pod-pv-claim', namespace: 'default', uid: 'u1', annotations: ann },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, ...o },
});

test('provision: helper pod on the node makes <base>/<pv>_<ns>_<claim>; PV pinned to the node', async () => {
  const ran: Pod[] = [];
  const runner = { run: async (p: Pod) => { ran.push(p); return p; } } as unknown as HelperPodRunner;
  const api = new MemoryApi();
  api.seed(R.configmaps, { metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: { 'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/opt/local-path-provisioner'] }] }) } });
  const p = new LocalPathProvisioner(api, runner);
  const pv = await p.provision({ pvName: 'pvc-u1', claim: claim(), storageClass: sc, selectedNode: node });
  const dir = '/opt/local-path-provisioner/pvc-u1_default_pod-pv-claim';
  assert.deepEqual(pv.spec.hostPath, { path: dir, type: 'DirectoryOrCreate' });
  assert.deepEqual(pv.spec.capacity, { storage: '2Gi' });
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.deepEqual(pv.spec.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['k8s-w2'] }] }] } });
  assert.equal(pv.metadata.annotations?.['local.path.provisioner/selected-node'], 'k8s-w2');
  const h = ran[0]!;
  assert.equal(h.metadata.name, 'helper-pod-create-pvc-u1');
  assert.equal(h.metadata.namespace, 'kube-system');
  assert.equal(h.spec.nodeName, 'k8s-w2');
  assert.deepEqual(h.spec.volumes, [{ name: 'data', hostPath: { path: '/opt/local-path-provisioner', type: 'DirectoryOrCreate' } }]);
  const ctr = h.spec.containers[0] as { image: string; command: string[]; env: { name: string; value: string }[] };
  assert.equal(ctr.image, 'busybox');
  assert.match(ctr.command[2]!, /mkdir -m 0777 -p "\$VOL_DIR"/);
  assert.ok(ctr.env.some((e) => e.name === 'VOL_DIR' && e.value === dir));

  // volumeType: claim annotation wins over the class default.
  const local = await p.provision({ pvName: 'pvc-u1', claim: claim({}, { volumeType: 'local' }), storageClass: sc, selectedNode: node });
  assert.deepEqual(local.spec.local, { path: dir });
  await p.delete(pv);
  assert.equal(ran.at(-1)!.metadata.name, 'helper-pod-delete-pvc-u1');
  assert.match((ran.at(-1)!.spec.containers[0] as { command: string[] }).command[2]!, /rm -rf "\$VOL_DIR"/);
});

test('provision refusals with upstream messages', async () => {
  const p = new LocalPathProvisioner(new MemoryApi(), {} as HelperPodRunner);
  await assert.rejects(p.provision({ pvName: 'x', claim: claim({ selector: { matchLabels: { a: 'b' } } }), storageClass: sc, selectedNode: node }), { message: 'claim.Spec.Selector is not supported' });
  await assert.rejects(p.provision({ pvName: 'x', claim: claim({ accessModes: ['ReadWriteMany'] }), storageClass: sc, selectedNode: node }), { message: 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes' });
  await assert.rejects(p.provision({ pvName: 'x', claim: claim(), storageClass: sc }), { message: 'configuration error, no node was specified' });
});

test('the ConfigMap\'s setup, teardown and helperPod.yaml are what the helper pods run, with upstream\'s arguments', async () => {
  const ran: Pod[] = [];
  const runner = { run: async (p: Pod) => { ran.push(p); return p; } } as unknown as HelperPodRunner;
  const api = new MemoryApi();
  const setup = '#!/bin/sh\nwhile getopts "m:s:p:a:" opt; do case $opt in p) absolutePath=$OPTARG;; esac; done\nmkdir -m 0750 -p "$absolutePath"';
  api.seed(R.configmaps, { metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: {
    'config.json': JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/lib/rancher/k3s/storage'] }] }),
    setup, teardown: '#!/bin/sh\nrm -rf "$VOL_DIR"',
    'helperPod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n  priorityClassName: system-node-critical\n  tolerations:\n  - key: node.kubernetes.io/disk-pressure\n    operator: Exists\n    effect: NoSchedule\n  containers:\n  - name: helper-pod\n    image: alpine:3.19\n    imagePullPolicy: IfNotPresent\n    env:\n    - {name: FROM_TEMPLATE, value: "1"}\n',
  } });
  const p = new LocalPathProvisioner(api, runner);
  await p.provision({ pvName: 'pvc-u1', claim: claim(), storageClass: sc, selectedNode: node });
  const h = ran[0]!;
  const dir = '/var/lib/rancher/k3s/storage/pvc-u1_default_pod-pv-claim';
  const ctr = h.spec.containers[0] as { image: string; command: string[]; env: { name: string; value: string }[]; securityContext: unknown };
  assert.deepEqual(ctr.command, ['/bin/sh', '-c', setup, 'sh', '-p', dir, '-s', '2147483648', '-m', 'Filesystem', '-a', 'create']);
  assert.equal(ctr.image, 'alpine:3.19');
  assert.deepEqual(ctr.env.map((e) => e.name), ['FROM_TEMPLATE', 'VOL_DIR', 'VOL_MODE', 'VOL_SIZE_BYTES']);
  assert.deepEqual(ctr.securityContext, { privileged: true });
  assert.deepEqual(h.spec.tolerations, [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }]);
  assert.equal(h.spec.priorityClassName, 'system-node-critical');
  assert.equal(h.spec.nodeName, 'k8s-w2');
  assert.equal(h.spec.restartPolicy, 'Never');
});

test('a helperPod.yaml that does not parse keeps the last valid config; none at first is an error', async () => {
  const api = new MemoryApi();
  api.seed(R.configmaps, { metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: { 'helperPod.yaml': 'spec: [' } });
  const p = new LocalPathProvisioner(api, {} as HelperPodRunner);
  await assert.rejects(p.config(), /^Error: invalid unmarshal the helper pod with helperPod.yaml: /);
  const cm = await api.get(R.configmaps, 'kube-system', 'local-path-config');
  api.seed(R.configmaps, { ...cm, data: {} });
  assert.equal((await p.config()).setup, '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"');
  api.seed(R.configmaps, { ...cm, data: { 'helperPod.yaml': 'kind: Pod\nspec: {}\n' } });
  assert.equal((await p.config()).helperPod.spec.containers[0]!.image, 'busybox');
});

test('storageClassConfigs: each class its own nodePathMap; an unlisted class and sharedFileSystemPath are refused', async () => {
  const ran: Pod[] = [];
  const runner = { run: async (p: Pod) => { ran.push(p); return p; } } as unknown as HelperPodRunner;
  const api = new MemoryApi();
  const config = {
    storageClassConfigs: {
      'local-path': { nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/opt/local-path-provisioner'] }] },
      fast: { nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/mnt/nvme'] }, { node: 'k8s-w2', paths: ['/mnt/nvme-w2'] }] },
      nfs: { sharedFileSystemPath: '/mnt/nfs' },
      both: { sharedFileSystemPath: '/mnt/nfs', nodePathMap: [{ node: 'k8s-w2', paths: ['/x'] }] },
    },
  };
  api.seed(R.configmaps, { metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: { 'config.json': JSON.stringify(config) } });
  const p = new LocalPathProvisioner(api, runner);
  const cls = (name: string): StorageClass => ({ ...sc, metadata: { name } });
  assert.equal((await p.provision({ pvName: 'pvc-a', claim: claim(), storageClass: cls('local-path'), selectedNode: node })).spec.hostPath?.path, '/opt/local-path-provisioner/pvc-a_default_pod-pv-claim');
  assert.equal((await p.provision({ pvName: 'pvc-b', claim: claim(), storageClass: cls('fast'), selectedNode: node })).spec.hostPath?.path, '/mnt/nvme-w2/pvc-b_default_pod-pv-claim');
  assert.equal(ran.length, 2);
  await assert.rejects(p.provision({ pvName: 'x', claim: claim(), storageClass: cls('other'), selectedNode: node }), { message: 'BUG: Got request for unexpected storage class other' });
  // Checked before the access modes, as upstream: a ReadWriteMany claim on the shared class hears why.
  await assert.rejects(p.provision({ pvName: 'x', claim: claim({ accessModes: ['ReadWriteMany'] }), storageClass: cls('nfs'), selectedNode: node }), /^Error: sharedFileSystemPath is not supported by Stowage/);
  await assert.rejects(p.provision({ pvName: 'x', claim: claim(), storageClass: cls('both'), selectedNode: node }), { message: 'both nodePathMap and sharedFileSystemPath are defined. Please make sure only one is in use' });
  assert.throws(() => canonicalizeConfig({ storageClassConfigs: { fast: { nodePathMap: [{ node: 'a', paths: ['rel'] }] } } }), { message: 'config canonicalization failed: path must start with / for path rel on node a' });
  assert.equal(ran.length, 2, 'no helper pod for a refused claim');
});
