// `stowage server`: the control plane alone — datastore, API server, controllers and scheduler, no nodes.
// Agents join with `stowage agent --server URL --token T --ca CA --name NAME --root DIR`, here or on another machine.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fileLogger } from './log.js';
import { startControlPlane, kubeconfigPath } from './control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { onShutdown } from './shutdown.js';

export function registerServer(program: Command): void {
  program.command('server')
    .description('run the control plane (API server, controllers, scheduler) without nodes; agents join it')
    .option('--data-dir <dir>', 'where the server keeps its state and kubeconfig', '.stowage-server')
    .option('--port <port>', 'API server port', '6443')
    .option('--bind-address <addr>', 'address to listen on', '127.0.0.1')
    .option('--datastore <spec>', 'sqlite (default) or etcd://host:port[,host:port...]', 'sqlite')
    .action(async (o: { dataDir: string; port: string; bindAddress: string; datastore: string }) => {
      const dataDir = resolve(o.dataDir);
      await mkdir(dataDir, { recursive: true });
      const logger = fileLogger(join(dataDir, 'stowage.log'));
      const say = (msg: string) => process.stderr.write(`stowage: ${msg}\n`);
      const cp = await startControlPlane({ dataDir, port: Number(o.port), host: o.bindAddress, datastore: o.datastore, logger, say });
      const server = `https://${o.bindAddress === '0.0.0.0' ? '127.0.0.1' : o.bindAddress}:${cp.port}`;
      await writeKubeconfig(kubeconfigPath(dataDir), server, cp.pki.caPem, cp.pki.adminToken);
      say(`join a node with: stowage agent --server ${server} --token ${cp.pki.nodeToken} --ca ${join(dataDir, 'tls', 'ca.crt')} --name NODE --root DIR`);
      process.stdout.write(`export KUBECONFIG=${kubeconfigPath(dataDir)}\n`);
      onShutdown(async () => { await cp.stop(); logger.flush(); });
    });
}
