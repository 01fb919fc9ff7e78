// The API server: resource table, watch cache, generic store, admission, and the two ways in
// (in-process client, HTTP(S) listener). createApiServer returns at once; everything waits for `ready()`.
import type { Datastore } from '../datastore/types.js';
import type { Client } from '../client/types.js';
import { allKinds } from '../registry/kinds/index.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { ResourceTable } from './resources.js';
import { WatchCache } from './store/watchcache.js';
import { Store } from './store/store.js';
import { Api } from './api.js';
import { loadCodec, type Codec } from './codec-bridge.js';
import { mutatingPlugins, validatingPlugins } from './admission/index.js';
import { IMMORTAL_NAMESPACES } from './admission/namespace-lifecycle.js';

/** The ClusterIP of the default `kubernetes` Service (k3s uses the same range, 10.43.0.0/16). */
const KUBERNETES_SERVICE_IP = '10.43.0.1';
import { podStorageHooks } from './special/pods.js';
import { namespaceStorageHooks } from './special/namespaces.js';
import { ADMIN_USER, makeContext, type UserInfo } from './context.js';
import { InProcessClient } from '../client/inprocess.js';
import { startHttpServer, type HttpServerHandle, type ListenOptions } from './http/server.js';

export type { UserInfo } from './context.js';
export type { ListenOptions } from './http/server.js';

export interface ApiServerOptions {
  datastore: Datastore;
  dataDir?: string;
  now?: () => Date;
  log?: (msg: string, extra?: object) => void;
  /** Bearer token the server presents to node agents' kubelet endpoints (logs, exec, proxy). */
  kubeletToken?: string;
  /** How often watchers that allow bookmarks get one (default 10 s). */
  watchBookmarkIntervalMs?: number;
}

export interface ApiServer {
  /** Resolves once the codec is loaded, the watch cache runs and the system namespaces exist. */
  ready(): Promise<void>;
  client(user?: string): Client;
  listen(opts: ListenOptions): Promise<{ port: number }>;
  close(): Promise<void>;
  /** Internals for tests and benchmarks. */
  readonly internals: { api: () => Api; store: () => Store; table: ResourceTable };
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? (() => {});
  const table = new ResourceTable(allKinds);
  const cache = new WatchCache(opts.datastore, table, { log, bookmarkIntervalMs: opts.watchBookmarkIntervalMs });
  let store: Store | undefined;
  let api: Api | undefined;
  let codec: Codec | undefined;
  const https: HttpServerHandle[] = [];

  const ready = (async () => {
    codec = await loadCodec();
    if (codec.missing.length) log('apiserver: codec functions not available yet, using JSON fallbacks', { missing: codec.missing });
    store = new Store(opts.datastore, table, cache, codec, mutatingPlugins, validatingPlugins);
    const pods = table.lookup('', 'v1', 'pods');
    const nss = table.lookup('', 'v1', 'namespaces');
    if (pods) store.hooks.set(pods, podStorageHooks);
    if (nss) store.hooks.set(nss, namespaceStorageHooks);
    api = new Api(store, table);
    await cache.start();
    // Bootstrap the system namespaces (idempotent).
    if (nss) {
      for (const name of IMMORTAL_NAMESPACES) {
        try {
          await store.create(nss, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, makeContext(ADMIN_USER, now(), { fieldManager: 'kube-apiserver' }));
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
      }
    }
    // The `kubernetes` Service every cluster has in default, at the first address of the service range.
    // Upstream: pkg/controlplane/controller/kubernetesservice
    const svcs = table.lookup('', 'v1', 'services');
    const exists = svcs && await store.get(svcs, 'default', 'kubernetes').then(() => true, (e: unknown) => { if (isNotFound(e)) return false; throw e; });
    if (svcs && !exists) {
      try {
        await store.create(svcs, 'default', {
          apiVersion: 'v1', kind: 'Service',
          metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
          spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
        }, makeContext(ADMIN_USER, now(), { fieldManager: 'kube-apiserver' }));
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
  })();
  ready.catch((e: unknown) => log('apiserver: start failed', { err: String(e) }));

  const userFor = (name?: string): UserInfo =>
    !name || name === ADMIN_USER.username ? ADMIN_USER : { username: name, groups: ['system:authenticated'] };

  return {
    ready: () => ready,
    client(user?: string): Client {
      return new InProcessClient(async () => { await ready; return api!; }, table, userFor(user), now);
    },
    async listen(lo: ListenOptions) {
      await ready;
      const h = await startHttpServer(api!, codec!, table, { ...lo, now, log, kubeletToken: opts.kubeletToken });
      https.push(h);
      return { port: h.port };
    },
    async close() {
      await ready.catch(() => {});
      await Promise.all(https.map((h) => h.close()));
      cache.close();
    },
    internals: { api: () => api!, store: () => store!, table },
  };
}
