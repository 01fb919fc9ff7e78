// `stowage agent`: one node agent joining a running `stowage server` over HTTPS (here or on another
// machine). No logic of its own: flags → startNodeAgent.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { HttpClient } from '../client/http.js';
import { startNodeAgent } from '../agent/index.js';
import { ensureBuiltinImages } from '../agent/images/store.js';
import { componentLog, fileLogger } from './log.js';
import { onShutdown } from './shutdown.js';

interface AgentFlags {
  server: string; token: string; ca?: string; name: string; root: string; images?: string;
  kubeletToken?: string; address: string; label: string[]; taint: string[]; imagePolicy: 'placeholder' | 'strict'; keepPods?: boolean; maxPods: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** key=value:Effect or key:Effect, as kubectl taint. */
export function parseTaint(s: string): { key: string; value?: string; effect: string } {
  const [kv, effect] = s.split(':');
  if (!kv || !effect) throw new Error(`invalid taint "${s}": want key[=value]:Effect`);
  const [key, value] = kv.split('=');
  return value === undefined ? { key: key!, effect } : { key: key!, value, effect };
}

export function registerAgent(program: Command): void {
  program.command('agent')
    .description('run a node agent (kubelet) that joins a `stowage server`')
    .requiredOption('--server <url>', 'API server URL, e.g. https://10.0.0.1:6443')
    .requiredOption('--token <token>', 'bearer token for the API server')
    .option('--ca <file>', 'CA certificate of the API server (its directory also holds kubelet.token)')
    .requiredOption('--name <node>', 'node name')
    .requiredOption('--root <dir>', "the node's root filesystem (hostPath /x is <root>/x)")
    .option('--images <dir>', 'image store (default <root>/../images)')
    .option('--kubelet-token <token>', 'token the API server presents to this kubelet (default: kubelet.token beside --ca)')
    .option('--address <ip>', 'InternalIP to advertise', '127.0.0.1')
    .option('--label <k=v>', 'node label (repeatable)', collect, [])
    .option('--taint <k=v:Effect>', 'node taint (repeatable)', collect, [])
    .option('--image-policy <policy>', 'placeholder (run a placeholder for unknown images) or strict (ErrImagePull)', 'placeholder')
    .option('--max-pods <n>', 'pods this node takes (upstream kubelet default 110)', '110')
    .option('--keep-pods', 'leave pods running when the agent stops (a restarted agent re-adopts them)')
    .action(async (o: AgentFlags) => {
      const root = resolve(o.root);
      const caPath = o.ca ? resolve(o.ca) : undefined;
      const tokenFile = caPath ? join(dirname(caPath), 'kubelet.token') : undefined;
      const kubeletToken = o.kubeletToken ?? process.env.STOWAGE_KUBELET_TOKEN ?? (tokenFile && existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
      if (!kubeletToken) throw new Error('no kubelet token: pass --kubelet-token or --ca next to the server\'s kubelet.token');
      const imageDir = resolve(o.images ?? join(root, '..', 'images'));
      await ensureBuiltinImages(imageDir);
      const logger = fileLogger(join(root, 'var/log/stowage-agent.log'));
      const labels = Object.fromEntries(o.label.map((l) => { const i = l.indexOf('='); return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)]; }));
      const client = new HttpClient({ server: o.server, token: o.token, ca: caPath ? readFileSync(caPath) : undefined, userAgent: `stowage-agent/${o.name}` });
      const agent = await startNodeAgent({
        client, nodeName: o.name, nodeRoot: root, imageDir, kubeletToken, address: o.address,
        labels, taints: o.taint.map(parseTaint), imagePolicy: o.imagePolicy, maxPods: Number(o.maxPods), log: componentLog(logger, `agent/${o.name}`),
      });
      process.stderr.write(`stowage: node ${o.name} joined ${o.server} (kubelet port ${agent.kubeletPort})\n`);
      onShutdown(async () => { await agent.stop({ keepPods: !!o.keepPods }); logger.flush(); });
    });
}
