// The datastore contract against a real etcd (Debian's /usr/bin/etcd on loopback ports).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runDatastoreContract } from './contract.js';
import { EtcdDatastore, etcdHostsFromUrl } from './etcd.js';
import { etcdUnavailableReason, startEtcd, type RunningEtcd } from './etcd-server.js';
import { openDatastore } from './index.js';

const unavailable = etcdUnavailableReason();

if (unavailable) {
  console.log(`# skipping etcd datastore tests: ${unavailable}`);
  test('etcd datastore contract', { skip: unavailable }, () => {});
} else {
  let etcd: RunningEtcd;
  before(async () => { etcd = await startEtcd(); });
  after(async () => { await etcd?.stop(); });

  // One etcd for the whole file; each contract test uses its own key prefix and relative revisions.
  runDatastoreContract('etcd', async () => {
    let ds = new EtcdDatastore({ hosts: etcdHostsFromUrl(etcd.url) });
    return {
      ds,
      // A new client on the same server: what a restarted `stowage server` sees.
      reopen: async () => { await ds.close(); ds = new EtcdDatastore({ hosts: etcdHostsFromUrl(etcd.url) }); return ds; },
      dispose: () => ds.close(),
    };
  });

  test('etcd: openDatastore("etcd://host:port") reaches the server', async () => {
    const ds = await openDatastore(etcd.url, { dataDir: '/nonexistent' });
    try {
      assert.equal(ds.name, 'etcd');
      const rev = await ds.create('/open-test/a', 'x');
      assert.equal(await ds.currentRevision(), rev);
    } finally { await ds.close(); }
  });
}

test('etcd: host lists parse from etcd://h1:p1,h2:p2', () => {
  assert.deepEqual(etcdHostsFromUrl('etcd://10.0.0.1:2379,10.0.0.2:2379'), ['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
  assert.throws(() => etcdHostsFromUrl('etcd://'), /expected etcd:\/\/host:port/);
});
