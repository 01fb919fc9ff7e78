// The control plane both `up` and `server` run: datastore, API server over TLS, default StorageClass,
// controllers and scheduler. Returns what the caller needs to add nodes and to stop it all.
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import { componentLog } from './log.js';
import { openDatastore, startAutoCompaction } from '../datastore/index.js';
import { createApiServer } from '../apiserver/index.js';
import { ensurePki, tokenAuthenticator } from '../apiserver/pki.js';
import { InformerFactory } from '../client/informer.js';
import type { Client } from '../client/types.js';
import { startStorageControllers, ensureDefaultStorageClass } from '../controllers/storage.js';
import { startWorkloadControllers } from '../controllers/workloads.js';
import { startScheduler } from '../scheduler/index.js';

export interface ControlPlaneOptions {
  dataDir: string;
  port: number;
  host: string;
  datastore: string;
  logger: Logger;
  /** Progress lines for the terminal. */
  say: (msg: string) => void;
}

export interface ControlPlane {
  port: number;
  pki: Awaited<ReturnType<typeof ensurePki>>;
  /** An in-process client acting as user (default: the cluster admin). */
  client(user?: string): Client;
  stop(): Promise<void>;
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const t0 = performance.now();
  const ms = () => `${Math.round(performance.now() - t0)} ms`;
  const datastore = await openDatastore(o.datastore, { dataDir: o.dataDir });
  const stopCompaction = startAutoCompaction(datastore, { intervalMs: 5 * 60_000, keepRevisions: 10_000 });
  o.say(`datastore ${datastore.name} open (${ms()})`);

  const pki = await ensurePki(o.dataDir, certificateHosts(o.host));
  const api = createApiServer({ datastore, dataDir: o.dataDir, kubeletToken: pki.kubeletToken, log: componentLog(o.logger, 'apiserver') });
  const { port } = await api.listen({
    port: o.port, host: o.host,
    tls: { cert: pki.certPem, key: pki.keyPem },
    authenticate: tokenAuthenticator(pki),
  });
  o.say(`API server on https://${o.host}:${port} (${ms()})`);

  const client = api.client();
  const informers = new InformerFactory(client);
  await ensureDefaultStorageClass(client);
  const controllers = await Promise.all([
    startStorageControllers({ client, informers, log: componentLog(o.logger, 'storage-controllers') }),
    startWorkloadControllers({ client, informers, log: componentLog(o.logger, 'workload-controllers') }),
    startScheduler({ client, informers, log: componentLog(o.logger, 'scheduler') }),
  ]);
  o.say(`controllers and scheduler running (${ms()})`);

  return {
    port, pki,
    client: (user) => api.client(user),
    async stop() {
      for (const c of controllers) c.stop();
      informers.stopAll();
      stopCompaction();
      await api.close();
      await datastore.close();
    },
  };
}

/**
 * The addresses agents on other machines dial, for the server certificate's SANs (as k3s adds its node IPs):
 * the bind address, or every non-loopback IPv4 address when binding all interfaces.
 */
function certificateHosts(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  return Object.values(networkInterfaces()).flatMap((addrs) => (addrs ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address));
}

export const kubeconfigPath = (dataDir: string) => join(dataDir, 'kubeconfig');
