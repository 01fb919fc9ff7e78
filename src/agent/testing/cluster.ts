// Test harness: an in-process API server (memory datastore) serving HTTPS on loopback, with a node
// agent whose kubelet endpoint the server proxies to. Used by the agent's e2e tests and the benchmark.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { createApiServer, type ApiServer } from '../../apiserver/index.js';
import { createMemoryDatastore } from '../../datastore/index.js';
import type { Client } from '../../client/types.js';
import { mountsUnder, unmountIfMounted } from '../runtime/mount.js';
import { ensureBuiltinImages } from '../images/store.js';
import { startNodeAgent, type NodeAgent, type NodeAgentOptions } from '../index.js';

export const SHARED_IMAGES = path.join(os.tmpdir(), 'stowage-test-images');

export interface TestCluster {
  kubeletToken: string;
  dir: string; nodeRoot: string; server: ApiServer; client: Client; port: number; kubeconfig: string;
  agent: NodeAgent;
  startAgent(extra?: Partial<NodeAgentOptions>): Promise<NodeAgent>;
  close(): Promise<void>;
}

export async function startTestCluster(extra: Partial<NodeAgentOptions> = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stowage-agent-'));
  const nodeRoot = path.join(dir, 'nodes', 'node1');
  const kubeletToken = 'kubelet-token-' + Math.random().toString(36).slice(2);
  const server = createApiServer({ datastore: createMemoryDatastore(), kubeletToken });
  await server.ready();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 } as never);
  const { port } = await server.listen({ port: 0, host: '127.0.0.1', tls: { cert: pems.cert, key: pems.private } });
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: t',
    'clusters:', `- name: t`, '  cluster:', `    server: https://127.0.0.1:${port}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: t', '  user:', '    token: admin',
    'contexts:', '- name: t', '  context:', '    cluster: t', '    user: t', '',
  ].join('\n'));
  const client = server.client();
  await ensureBuiltinImages(SHARED_IMAGES);
  const startAgent = (more: Partial<NodeAgentOptions> = {}) => startNodeAgent({ client, nodeName: 'node1', nodeRoot, imageDir: SHARED_IMAGES, kubeletToken, ...extra, ...more });
  const c: TestCluster = {
    kubeletToken, dir, nodeRoot, server, client, port, kubeconfig, agent: await startAgent(), startAgent,
    async close() {
      await c.agent.stop().catch(() => {});
      await server.close();
      for (const mp of mountsUnder(dir)) await unmountIfMounted(mp);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}
