// The `stowage` command line: each subcommand lives in its own module and registers itself here. Only the
// module of the command being run is imported (a command's dependencies cost start-up time: `up` must be
// ready in under a second); help and unknown commands load them all so commander can list them.
import { Command } from 'commander';
import { KUBERNETES_VERSION, stowageVersion } from './version.js';

type Register = (program: Command) => void;

const commands: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./up.js')).registerUp,
  server: async () => (await import('./server.js')).registerServer,
  agent: async () => (await import('./agent.js')).registerAgent,
  image: async () => (await import('./image.js')).registerImage,
  why: async () => {
    const [{ registerWhy }, { connectFromKubeconfig }] = await Promise.all([import('./why.js'), import('./connect.js')]);
    return (program) => registerWhy(program, connectFromKubeconfig);
  },
  bench: async () => (await import('./bench.js')).registerBench,
};

export async function main(argv: string[]): Promise<void> {
  const program = new Command('stowage')
    .description('A Kubernetes-compatible cluster that runs the Kubernetes storage system for real')
    .showHelpAfterError();
  program.command('version').description('print the Stowage and Kubernetes versions').action(() => {
    process.stdout.write(`stowage ${stowageVersion()} (Kubernetes ${KUBERNETES_VERSION})\n`);
  });
  const wanted = argv[2];
  const names = wanted && wanted in commands ? [wanted] : Object.keys(commands);
  for (const register of await Promise.all(names.map((n) => commands[n]!()))) register(program);
  await program.parseAsync(argv);
}
