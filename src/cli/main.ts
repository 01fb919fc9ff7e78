// The `stowage` command line: each subcommand lives in its own module and registers itself here.
import { Command } from 'commander';
import { registerUp } from './up.js';
import { registerServer } from './server.js';
import { registerAgent } from './agent.js';
import { registerImage } from './image.js';
import { registerWhy } from './why.js';
import { registerBench } from './bench.js';
import { connectFromKubeconfig } from './connect.js';
import { KUBERNETES_VERSION, stowageVersion } from './version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('stowage')
    .description('A Kubernetes-compatible cluster that runs the Kubernetes storage system for real')
    .showHelpAfterError();
  program.command('version').description('print the Stowage and Kubernetes versions').action(() => {
    process.stdout.write(`stowage ${stowageVersion()} (Kubernetes ${KUBERNETES_VERSION})\n`);
  });
  registerUp(program);
  registerServer(program);
  registerAgent(program);
  registerImage(program);
  registerWhy(program, connectFromKubeconfig);
  registerBench(program);
  await program.parseAsync(argv);
}
