// Runs `stowage bench fio ARGS` from source (tsx) for the e2e tests, so they exercise src/cli/bench.ts
// whether or not dist is built and main.ts is wired.
import { Command } from 'commander';
import { registerBench } from '../../cli/bench.js';

const program = new Command('stowage');
registerBench(program);
await program.parseAsync(process.argv.slice(2), { from: 'user' });
