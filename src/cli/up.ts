// `stowage up`: a whole cluster in one process — the control plane plus one node agent per node, wired over
// the in-process client. The composition root: it only wires components.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fileLogger, componentLog } from './log.js';
import { startControlPlane, kubeconfigPath } from './control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { startNodeAgent } from '../agent/index.js';
import { ensureBuiltinImages } from '../agent/images/store.js';
import { buildFioImage } from '../agent/images/fio-image.js';
import { waitForNodesReady } from './wait-ready.js';
import { onShutdown } from './shutdown.js';

export interface UpOptions {
  dataDir: string;
  port: number;
  nodes: string[];
  controlPlane?: string;
  datastore: string;
  imagePolicy: 'placeholder' | 'strict';
  maxPods?: number;
}

export function registerUp(program: Command): void {
  program.command('up')
    .description('start a whole cluster (API server, controllers, scheduler and node agents) in this process')
    .option('--data-dir <dir>', 'where the cluster keeps its state, node filesystems and kubeconfig', '.stowage')
    .option('--port <port>', 'API server port on 127.0.0.1', '6443')
    .option('--nodes <names>', 'comma-separated worker node names', 'node-1')
    .option('--control-plane <name>', 'also run a control-plane node (tainted NoSchedule) with this name')
    .option('--datastore <spec>', 'sqlite (default) or etcd://host:port[,host:port...]', 'sqlite')
    .option('--image-policy <policy>', 'placeholder (run a stand-in for images not in the store) or strict (ErrImagePull)', 'placeholder')
    .option('--max-pods <n>', 'pods each node takes (upstream kubelet default 110)', '110')
    .action(async (o: { dataDir: string; port: string; nodes: string; controlPlane?: string; datastore: string; imagePolicy: string; maxPods: string }) => {
      await up({
        dataDir: resolve(o.dataDir),
        port: Number(o.port),
        nodes: o.nodes.split(',').map((s) => s.trim()).filter(Boolean),
        controlPlane: o.controlPlane,
        datastore: o.datastore,
        imagePolicy: o.imagePolicy === 'strict' ? 'strict' : 'placeholder',
        maxPods: Number(o.maxPods),
      });
    });
}

const say = (msg: string) => process.stderr.write(`stowage: ${msg}\n`);

export async function up(o: UpOptions): Promise<void> {
  const t0 = performance.now();
  await mkdir(o.dataDir, { recursive: true });
  const logger = fileLogger(join(o.dataDir, 'stowage.log'));
  // The built-in images (made on a data directory's first start: mostly file-system round trips) are built
  // while the control plane starts; the nodes need them, the control plane does not.
  const imageDir = join(o.dataDir, 'images');
  const builtins = ensureBuiltinImages(imageDir);
  builtins.catch(() => {}); // awaited below; not an unhandled rejection while the control plane starts
  const cp = await startControlPlane({ dataDir: o.dataDir, port: o.port, host: '127.0.0.1', datastore: o.datastore, logger, say });
  await builtins;
  // The `fio` image (the host's fio and its libraries) for `stowage bench fio`; built beside node start-up.
  const fioImage = buildFioImage(imageDir).catch((err: unknown) => say(`fio image not built: ${err instanceof Error ? err.message : String(err)}`));
  const nodes = [
    ...(o.controlPlane ? [{ name: o.controlPlane, controlPlane: true }] : []),
    ...o.nodes.map((name) => ({ name, controlPlane: false })),
  ];
  const agents = await Promise.all(nodes.map((n) => startNodeAgent({
    client: cp.client(`system:node:${n.name}`),
    nodeName: n.name,
    nodeRoot: join(o.dataDir, 'nodes', n.name),
    imageDir,
    kubeletToken: cp.pki.kubeletToken,
    imagePolicy: o.imagePolicy,
    maxPods: o.maxPods,
    labels: n.controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true' } : {},
    taints: n.controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [],
    log: componentLog(logger, `agent/${n.name}`),
  })));
  await Promise.all([waitForNodesReady(cp.client(), nodes.map((n) => n.name), 30_000), fioImage]);
  say(`${nodes.length} node(s) Ready: ${nodes.map((n) => n.name).join(', ')} (${Math.round(performance.now() - t0)} ms)`);

  const kubeconfig = kubeconfigPath(o.dataDir);
  await writeKubeconfig(kubeconfig, `https://127.0.0.1:${cp.port}`, cp.pki.caPem, cp.pki.adminToken);
  process.stdout.write(`export KUBECONFIG=${kubeconfig}\n`);

  onShutdown(async () => {
    say('stopping');
    await Promise.allSettled(agents.map((a) => a.stop()));
    await cp.stop();
    logger.flush();
  });
}
