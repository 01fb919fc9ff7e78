// @kubernetes/client-node — the official JavaScript client — lists, watches and creates against Stowage
// unchanged, with the kubeconfig `up` writes (TLS with the cluster CA, bearer token).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startCluster } from './cluster.js';

test('@kubernetes/client-node creates, lists and watches', { timeout: 60_000 }, async () => {
  const { up, cleanup } = await startCluster(['--nodes', 'cn-1']);
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(up.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const storage = kc.makeApiClient(k8s.StorageV1Api);

    const nodes = await core.listNode();
    assert.deepEqual(nodes.items.map((n) => n.metadata?.name), ['cn-1']);
    const classes = await storage.listStorageClass();
    assert.equal(classes.items[0]?.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');

    // Watch claims, then create one: the watch must report ADDED for it.
    const events: string[] = [];
    const seen = new Promise<void>((resolve) => {
      void new k8s.Watch(kc).watch('/api/v1/namespaces/default/persistentvolumeclaims', {}, (type, obj: k8s.V1PersistentVolumeClaim) => {
        events.push(`${type} ${obj.metadata?.name}`);
        if (type === 'ADDED' && obj.metadata?.name === 'cn-claim') resolve();
      }, () => {}).then((req) => seen.finally(() => req.abort()));
    });
    const created = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: { metadata: { name: 'cn-claim' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    assert.equal(created.spec?.storageClassName, 'local-path', 'the default StorageClass was assigned');
    assert.deepEqual(created.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
    await seen;
    assert.ok(events.includes('ADDED cn-claim'));

    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: 'default' });
    assert.deepEqual(claims.items.map((c) => c.metadata?.name), ['cn-claim']);
    assert.equal(claims.items[0]?.status?.phase, 'Pending');
  } finally {
    await cleanup();
  }
});
