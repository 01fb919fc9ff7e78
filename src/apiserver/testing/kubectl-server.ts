// Test support: the API server over HTTPS, as `up` serves it (a SQLite datastore in a temp dir, the data
// directory's PKI, bearer-token authentication), and the real kubectl pointed at it with its own kubeconfig.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatastore } from '../../datastore/index.js';
import { createApiServer, type ApiServer } from '../index.js';
import { ensurePki, kubeconfigYaml, tokenAuthenticator, type Pki } from '../pki.js';
import { Kubectl } from './kubectl.js';

export interface KubectlServer {
  dir: string;
  pki: Pki;
  port: number;
  server: ApiServer;
  kubectl: Kubectl;
  close(): Promise<void>;
}

export async function kubectlServer(name: string): Promise<KubectlServer> {
  const dir = mkdtempSync(join(tmpdir(), `stowage-${name}-`));
  const pki = await ensurePki(dir);
  const ds = await openDatastore('sqlite', { dataDir: dir });
  const server = createApiServer({ datastore: ds });
  const { port } = await server.listen({ port: 0, tls: { cert: pki.certPem, key: pki.keyPem }, authenticate: tokenAuthenticator(pki) });
  const kubectl = new Kubectl(kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: pki.caPem, token: pki.adminToken }));
  return {
    dir, pki, port, server, kubectl,
    async close() {
      await server.close();
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(kubectl.dir, { recursive: true, force: true });
    },
  };
}
