// `stowage bench fio`: flags as kubestr's `kubestr fio` has them, plus --compare, --chart,
// --host-baseline and --latency. The flow lives in src/benchfio/command.ts.
import type { Command } from 'commander';
import { benchFio, parseNodeSelector } from '../benchfio/command.js';
import { defaultKubeconfigPath } from '../benchfio/kubeconfig.js';

interface FioFlags {
  storageclass?: string; size: string; fiofile?: string; testname?: string; nodeselector?: string;
  namespace: string; output?: string; outfile?: string; kubeconfig?: string; image: string;
  latency?: boolean; compare?: string; chart: string; hostBaseline?: boolean; dataDir?: string;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('benchmarks against a running cluster');
  bench.command('fio')
    .description('run an fio job in a pod on a PVC of a StorageClass (kubestr fio), then clean up')
    .option('-s, --storageclass <name>', 'the StorageClass to test')
    .option('-z, --size <quantity>', 'PVC size (the fio job definition is not scaled accordingly)', '100Gi')
    .option('-f, --fiofile <file>', 'an fio job file to run instead of a built-in test')
    .option('-t, --testname <name>', 'built-in test: default-fio or randrw')
    .option('-N, --nodeselector <k=v,...>', 'node selector for the fio pod')
    .option('-n, --namespace <ns>', 'namespace for the ConfigMap, PVC and pod', 'default')
    .option('-i, --image <image>', 'image with fio, sh and tail', 'fio')
    .option('-o, --output <format>', 'json for kubestr\'s JSON document')
    .option('-e, --outfile <file>', 'with -o json: write the JSON here instead of stdout')
    .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG, else ~/.kube/config)')
    .option('--latency', 'beyond kubestr: run the job a second time without gtod_reduce and print p50/p95/p99 completion latency')
    .option('--compare <classes>', 'beyond kubestr: run the same job on each of these comma-separated StorageClasses and compare')
    .option('--chart <file>', 'with --compare: SVG bar chart file', 'fio-compare.svg')
    .option('--host-baseline', 'beyond kubestr: also run the job with the host\'s fio on the node\'s disk and print in-pod/host')
    .option('--data-dir <dir>', 'with --host-baseline: the cluster\'s data dir (default: the kubeconfig\'s directory)')
    .action(async (f: FioFlags) => {
      const controller = new AbortController();
      let interrupts = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        process.stderr.write(`\n${sig}: stopping fio and deleting the benchmark pod, PVC and ConfigMap (again to quit at once)\n`);
        controller.abort(new Error(`interrupted by ${sig}`));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const { code } = await benchFio({
          storageClass: f.storageclass, size: f.size, fioFile: f.fiofile, testName: f.testname,
          nodeSelector: parseNodeSelector(f.nodeselector), namespace: f.namespace, output: f.output, outfile: f.outfile,
          kubeconfig: f.kubeconfig ?? defaultKubeconfigPath(), image: f.image, latency: !!f.latency,
          compare: f.compare?.split(',').map((s) => s.trim()).filter(Boolean), chart: f.chart,
          hostBaseline: !!f.hostBaseline, dataDir: f.dataDir,
        }, {
          stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s),
          stdoutIsTTY: !!process.stdout.isTTY, stderrIsTTY: !!process.stderr.isTTY, signal: controller.signal,
        });
        process.exitCode = code;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
