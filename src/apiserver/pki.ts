// Per data directory: a CA, a server certificate for 127.0.0.1/localhost signed by it, and the admin and
// kubelet bearer tokens, made once in DIR/tls/ and reused on every start (as k3s does in server/tls).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ADMIN_USER, type UserInfo } from './context.js';

export interface Pki {
  caPem: string;
  certPem: string;
  keyPem: string;
  adminToken: string;
  kubeletToken: string;
  /** The token node agents present when they join (`stowage agent --token`). */
  nodeToken: string;
  dir: string;
}

const YEAR = 365 * 24 * 3600 * 1000;

// `selfsigned` is imported only when a certificate has to be made (the first start of a data directory):
// loading it costs ~80 ms that every later start would otherwise pay.
async function makeCa(): Promise<{ cert: string; key: string }> {
  const now = new Date();
  const r = await (await import('selfsigned')).generate([{ name: 'commonName', value: 'stowage-ca' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 3600e3), notAfterDate: new Date(now.getTime() + 10 * YEAR),
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  return { cert: r.cert, key: r.private };
}

async function makeServerCert(ca: { cert: string; key: string }, hosts: string[]): Promise<{ cert: string; key: string }> {
  const now = new Date();
  const r = await (await import('selfsigned')).generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 3600e3), notAfterDate: new Date(now.getTime() + 5 * YEAR),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  });
  return { cert: r.cert, key: r.private };
}

function readOr(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Makes (once) and loads the PKI of a data directory. `hosts` are extra SANs for the server certificate. */
export async function ensurePki(dataDir: string, hosts: string[] = []): Promise<Pki> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => join(dir, f);
  let caCert = readOr(p('ca.crt')), caKey = readOr(p('ca.key'));
  if (!caCert || !caKey) {
    const ca = await makeCa();
    caCert = ca.cert; caKey = ca.key;
    writeFileSync(p('ca.key'), caKey, { mode: 0o600 });
    writeFileSync(p('ca.crt'), caCert);
  }
  const wanted = [...new Set(['127.0.0.1', 'localhost', '::1', ...hosts])];
  let cert = readOr(p('server.crt')), key = readOr(p('server.key'));
  const sans = readOr(p('server.sans'));
  if (!cert || !key || sans !== wanted.join(',')) {
    const s = await makeServerCert({ cert: caCert, key: caKey }, wanted);
    cert = s.cert; key = s.key;
    writeFileSync(p('server.key'), key, { mode: 0o600 });
    writeFileSync(p('server.crt'), cert);
    writeFileSync(p('server.sans'), wanted.join(','));
  }
  const token = (f: string) => {
    let t = readOr(p(f))?.trim();
    if (!t) { t = randomBytes(24).toString('hex'); writeFileSync(p(f), t + '\n', { mode: 0o600 }); }
    return t;
  };
  return { caPem: caCert, certPem: cert, keyPem: key, adminToken: token('admin.token'), kubeletToken: token('kubelet.token'), nodeToken: token('node.token'), dir };
}

/** A kubeconfig for kubectl and client libraries: one cluster, one token user, one context. */
export function kubeconfigYaml(a: { server: string; caPem: string; token: string; name?: string }): string {
  const name = a.name ?? 'stowage';
  return stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name, cluster: { server: a.server, 'certificate-authority-data': Buffer.from(a.caPem).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token: a.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Bearer-token authentication for the API: the admin token is the cluster admin, the node token a node agent. */
export function tokenAuthenticator(pki: Pki): (token: string) => UserInfo | undefined {
  return (token) => {
    if (sameToken(token, pki.adminToken)) return ADMIN_USER;
    if (sameToken(token, pki.nodeToken)) return { username: 'system:node', groups: ['system:nodes', 'system:authenticated'] };
    return undefined;
  };
}
