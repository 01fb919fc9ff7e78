// Every kubectl from 1.27 to 1.33 (the binaries in /usr/lib/google-cloud-sdk/bin) through one storage
// walkthrough against `bin/stowage up`: create and apply with validation on (1.27/1.28 fetch /openapi/v2 as
// protobuf first and fail without it), a claim bound for its first consumer, exec (SPDY for the old ones,
// WebSocket for the new), logs, an apply that patches, explain, and strict field validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Kubectl } from '../../src/apiserver/testing/kubectl.js';
import { startCluster } from './cluster.js';

const VERSIONS = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'];
const bins = VERSIONS.map((v) => [v, `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`] as const).filter(([, b]) => existsSync(b));

test('kubectl 1.27–1.33: apply, a claim and its pod, exec, logs, patching apply, explain, strict validation', { timeout: 240_000, skip: bins.length === 0 && 'no versioned kubectl binaries on this machine' }, async () => {
  const { up, cleanup } = await startCluster(['--nodes', 'kv-a']);
  const k = new Kubectl(readFileSync(up.kubeconfig, 'utf8'));
  try {
    for (const [v, bin] of bins) {
      const ns = `v${v.replace('.', '')}`;
      const ok = async (args: string[], input?: string) => {
        const r = await k.run(['-n', ns, ...args], { bin, input });
        assert.equal(r.code, 0, `kubectl ${v} ${args.join(' ')}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /warning|error/i, `kubectl ${v} ${args.join(' ')} printed: ${r.stderr}`);
        return r.stdout;
      };
      await ok(['create', 'namespace', ns]);
      const manifest = (value: string) => [
        'apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata: {name: data}',
        'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}', '---',
        'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: settings}', `data: {greeting: ${value}}`, '---',
        'apiVersion: v1', 'kind: Pod', 'metadata: {name: web}',
        'spec: {containers: [{name: c, image: busybox, command: [sh, -c, "echo started; echo hi > /data/f; sleep 3600"], volumeMounts: [{name: d, mountPath: /data}]}], volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]}',
      ].join('\n');
      assert.equal(await ok(['apply', '-f', '-'], manifest('hello')), 'persistentvolumeclaim/data created\nconfigmap/settings created\npod/web created\n');
      await ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
      assert.match(await ok(['get', 'pvc', 'data', '--no-headers']), /^data\s+Bound\s+pvc-/);
      assert.equal(await ok(['exec', 'web', '--', 'cat', '/data/f']), 'hi\n');
      assert.equal(await ok(['exec', '-i', 'web', '--', 'sh', '-c', 'cat'], 'via stdin\n'), 'via stdin\n');
      assert.equal(await ok(['logs', 'web']), 'started\n');
      // A second apply computes a strategic merge patch (from compiled-in types: no PATCH operation is served).
      assert.equal(await ok(['apply', '-f', '-'], manifest('bonjour')), 'persistentvolumeclaim/data unchanged\nconfigmap/settings configured\npod/web unchanged\n');
      assert.equal(await ok(['get', 'configmap', 'settings', '-o', 'jsonpath={.data.greeting}']), 'bonjour');
      assert.match(await ok(['explain', 'pv.spec.local.path']), /path of the full path to the volume on the node/);
      const bad = await k.run(['-n', ns, 'create', '-f', '-'], { bin, input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\nbogus: 1\n' });
      assert.notEqual(bad.code, 0, `kubectl ${v}: an unknown field is refused`);
      assert.match(bad.stderr, /strict decoding error: unknown field "bogus"/, `kubectl ${v}: ${bad.stderr}`);
    }
  } finally {
    await cleanup();
    rmSync(k.dir, { recursive: true, force: true });
  }
});
