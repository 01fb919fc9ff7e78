// The local-path provisioner's ConfigMap as a k3s user meets it: `up` creates kube-system/local-path-config,
// `kubectl patch` of its setup script and nodePathMap applies to the next claim, and the helper pod runs the
// edited script on the node with upstream's arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kubectl } from '../../src/apiserver/testing/kubectl.js';
import { startCluster } from './cluster.js';

test('kubectl patch of local-path-config: the edited setup script and path are used for the next claim', { timeout: 90_000 }, async () => {
  const { up, cleanup } = await startCluster(['--nodes', 'lp-a']);
  const k = new Kubectl(readFileSync(up.kubeconfig, 'utf8'));
  try {
    const ok = async (args: string[], input?: string) => {
      const r = await k.run(args, { input });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(await ok(['-n', 'kube-system', 'get', 'configmap', 'local-path-config', '-o', 'jsonpath={.data.setup}']), /^#!\/bin\/sh\nset -eu\nmkdir -m 0777 -p "\$VOL_DIR"$/);
    const setup = '#!/bin/sh\nset -eu\nmkdir -m 0700 -p "$VOL_DIR"\necho "$@" > "$VOL_DIR/.setup-args"';
    const config = JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/srv/lp'] }] });
    await ok(['-n', 'kube-system', 'patch', 'configmap', 'local-path-config', '--type', 'merge', '-p', JSON.stringify({ data: { setup, 'config.json': config } })]);
    await ok(['apply', '-f', '-'], [
      'apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata: {name: data}',
      'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}', '---',
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: user}',
      'spec: {containers: [{name: c, image: busybox, command: [sh, -c, "echo hi > /data/f; sleep 3600"], volumeMounts: [{name: d, mountPath: /data}]}], volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]}',
    ].join('\n'));
    await ok(['wait', '--for=condition=Ready', 'pod/user', '--timeout=60s']);
    const pv = await ok(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}']);
    const dir = `/srv/lp/${pv}_default_data`;
    assert.equal(await ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']), dir);
    const onNode = join(up.dataDir, 'nodes/lp-a', dir);
    assert.equal(readFileSync(join(onNode, '.setup-args'), 'utf8'), `-p ${dir} -s 1073741824 -m Filesystem -a create\n`);
    assert.equal(readFileSync(join(onNode, 'f'), 'utf8'), 'hi\n');
    // Deleting the claim runs the (default) teardown on the node.
    await ok(['delete', 'pod', 'user', '--grace-period=0']);
    await ok(['delete', 'pvc', 'data']);
    const end = Date.now() + 30_000;
    while (existsSync(onNode) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(existsSync(onNode), false, 'the volume directory is removed by the teardown helper pod');

    // storageClassConfigs: a class of its own; a sharedFileSystemPath claim hears why it is refused.
    const perClass = { storageClassConfigs: { 'local-path': { nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/srv/lp'] }] }, shared: { sharedFileSystemPath: '/mnt/nfs' } } };
    await ok(['-n', 'kube-system', 'patch', 'configmap', 'local-path-config', '--type', 'merge', '-p', JSON.stringify({ data: { 'config.json': JSON.stringify(perClass) } })]);
    await ok(['apply', '-f', '-'], [
      'apiVersion: storage.k8s.io/v1', 'kind: StorageClass', 'metadata: {name: shared}', 'provisioner: rancher.io/local-path', 'volumeBindingMode: Immediate', '---',
      'apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata: {name: shared-data}',
      'spec: {storageClassName: shared, accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}',
    ].join('\n'));
    const endEv = Date.now() + 20_000;
    let described = '';
    while (!/ProvisioningFailed/.test(described) && Date.now() < endEv) { described = await ok(['describe', 'pvc', 'shared-data']); await new Promise((r) => setTimeout(r, 200)); }
    assert.match(described, /Warning\s+ProvisioningFailed\s+.*failed to provision volume with StorageClass "shared": sharedFileSystemPath is not supported by Stowage/);
    assert.match(await ok(['get', 'pvc', 'shared-data', '--no-headers']), /^shared-data\s+Pending/);
  } finally {
    await cleanup();
    rmSync(k.dir, { recursive: true, force: true });
  }
});
