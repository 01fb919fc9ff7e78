// A crash at any moment loses nothing acknowledged and double-binds nothing: volumes and claims are created
// concurrently against the real `stowage up`, the process is killed with SIGKILL while the PV controller is
// binding, restarted on the same data directory, and then every acknowledged object must still exist and
// every volume must be bound to at most one claim, with claim and volume pointing at each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/object.js';
import { isAlreadyExists } from '../../src/api/errors.js';
import type { Client } from '../../src/client/types.js';
import { startCluster } from './cluster.js';

const N = 300;
type PV = KObject & { spec: { claimRef?: { name: string; namespace: string; uid?: string } }; status?: { phase?: string } };
type PVC = KObject & { spec: { volumeName?: string }; status?: { phase?: string } };

const pv = (i: number): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `crash-pv-${i}` },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: `/tmp/crash/${i}` } },
});
const pvc = (i: number): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `crash-pvc-${i}`, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '1Gi' } } },
});

/** Creates objects with bounded concurrency; records the names whose create was acknowledged. */
async function createAll(client: Client, objs: KObject[], acked: Set<string>, stopAfter?: { count: number; then: () => void }): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      const o = objs[next++]!;
      const gvr = o.kind === 'PersistentVolume' ? R.persistentvolumes : R.persistentvolumeclaims;
      try {
        await client.create(gvr, o.metadata.namespace, o);
        acked.add(`${o.kind}/${o.metadata.name}`);
        if (stopAfter && acked.size === stopAfter.count) stopAfter.then();
      } catch (e) {
        if (isAlreadyExists(e)) acked.add(`${o.kind}/${o.metadata.name}`);
        else return; // the server went away: stop this worker
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

test('kill -9 during binding loses nothing acknowledged and binds no volume twice', { timeout: 180_000 }, async () => {
  const { up, cleanup } = await startCluster(['--nodes', 'crash-node']);
  try {
    const objs: KObject[] = [];
    for (let i = 0; i < N; i++) objs.push(pv(i), pvc(i));
    const acked = new Set<string>();
    // Kill the server once about half of the objects are acknowledged: binding is then in full swing.
    await createAll(up.client(), objs, acked, { count: N, then: () => { void up.stop('SIGKILL'); } });
    await up.stop('SIGKILL');
    assert.ok(acked.size >= N, `at least ${N} creates acknowledged before the kill (got ${acked.size})`);
    assert.ok(acked.size < 2 * N, 'the kill interrupted the creates (otherwise this test proves nothing)');

    await up.start();
    const client = up.client();
    const pvs = (await client.list<PV>(R.persistentvolumes, undefined)).items;
    const pvcs = (await client.list<PVC>(R.persistentvolumeclaims, 'default')).items;
    const present = new Set([...pvs.map((p) => `PersistentVolume/${p.metadata.name}`), ...pvcs.map((c) => `PersistentVolumeClaim/${c.metadata.name}`)]);
    const lost = [...acked].filter((k) => !present.has(k));
    const boundAtRestart = pvcs.filter((c) => c.status?.phase === 'Bound').length;
    console.log(`# acknowledged ${acked.size}/${2 * N} creates before SIGKILL; ${boundAtRestart}/${pvcs.length} claims Bound at restart`);
    assert.deepEqual(lost, [], 'every acknowledged create survives the crash');

    // Finish creating what was not acknowledged, then every claim must end up Bound.
    await createAll(client, objs, new Set());
    const deadline = Date.now() + 60_000;
    let claims: PVC[] = [];
    for (;;) {
      claims = (await client.list<PVC>(R.persistentvolumeclaims, 'default')).items;
      if (claims.length === N && claims.every((c) => c.status?.phase === 'Bound')) break;
      assert.ok(Date.now() < deadline, `all ${N} claims Bound within 60 s of the restart (${claims.filter((c) => c.status?.phase === 'Bound').length} are)`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const volumes = new Map((await client.list<PV>(R.persistentvolumes, undefined)).items.map((v) => [v.metadata.name!, v]));
    const used = new Map<string, string>();
    for (const c of claims) {
      const v = c.spec.volumeName!;
      assert.ok(!used.has(v), `volume ${v} bound to both ${used.get(v)} and ${c.metadata.name}`);
      used.set(v, c.metadata.name!);
      const ref = volumes.get(v)?.spec.claimRef;
      assert.equal(ref?.name, c.metadata.name, `volume ${v} points back at claim ${c.metadata.name}`);
      assert.equal(ref?.uid, c.metadata.uid, `volume ${v} carries the claim's uid`);
    }
    for (const v of volumes.values()) {
      if (v.spec.claimRef) assert.equal(used.get(v.metadata.name!), v.spec.claimRef.name, `volume ${v.metadata.name} claimed only by the claim that uses it`);
    }
  } finally {
    await cleanup();
  }
});
