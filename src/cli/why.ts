// `stowage why KIND NAME [-n NS]`: explains why a pod, claim or volume is in its state and what to do next.
import type { Command } from 'commander';
import type { Client } from '../client/types.js';
import { explainObject } from '../why/index.js';

export function registerWhy(program: Command, getClient: () => Promise<Client>): void {
  program
    .command('why')
    .description('explain in plain words why a pod, claim or volume is in its state (pod → claim → class → volume → node)')
    .argument('<kind>', 'pod, pvc, pv, storageclass or node (also kind/name)')
    .argument('[name]', 'object name')
    .option('-n, --namespace <ns>', 'namespace of the pod or claim', 'default')
    .action(async (kind: string, name: string | undefined, opts: { namespace: string }) => {
      if (!name && kind.includes('/')) [kind, name] = kind.split('/', 2) as [string, string];
      if (!name) { console.error('error: a name is required: stowage why pod web-0'); process.exitCode = 1; return; }
      console.log(await explainObject(await getClient(), kind, name, opts.namespace));
    });
}
