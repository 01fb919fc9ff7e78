import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { ensurePki, kubeconfigYaml } from './pki.js';

test('ensurePki makes a CA, a server certificate for 127.0.0.1/localhost and tokens once, then reuses them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-pki-'));
  try {
    const a = await ensurePki(dir);
    const b = await ensurePki(dir);
    assert.equal(b.caPem, a.caPem);
    assert.equal(b.certPem, a.certPem);
    assert.equal(b.adminToken, a.adminToken);
    assert.notEqual(a.adminToken, a.kubeletToken);
    const ca = new X509Certificate(a.caPem);
    const cert = new X509Certificate(a.certPem);
    assert.ok(cert.verify(ca.publicKey), 'server certificate signed by the CA');
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(ca.ca, true);
    const kc = parse(kubeconfigYaml({ server: 'https://127.0.0.1:6443', caPem: a.caPem, token: a.adminToken })) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { user: { token: string } }[]; 'current-context': string;
    };
    assert.equal(kc.clusters[0]!.cluster.server, 'https://127.0.0.1:6443');
    assert.equal(Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(), a.caPem);
    assert.equal(kc.users[0]!.user.token, a.adminToken);
    assert.equal(kc['current-context'], 'stowage');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
