// A node agent in its own process, over HTTPS, for the kill -9 test: reads the test cluster's kubeconfig.
//   node --import tsx src/agent/testing/agent-process.ts <kubeconfig> <nodeName> <nodeRoot> <imageDir> <kubeletToken>
import { HttpClient } from '../../client/http.js';
import { startNodeAgent } from '../index.js';

const [kubeconfig, nodeName, nodeRoot, imageDir, kubeletToken] = process.argv.slice(2) as [string, string, string, string, string];
const agent = await startNodeAgent({ client: HttpClient.fromKubeconfig(kubeconfig), nodeName, nodeRoot, imageDir, kubeletToken });
process.stdout.write(`ready ${agent.kubeletPort}\n`);
process.on('SIGTERM', () => { void agent.stop({ keepPods: true }).then(() => process.exit(0)); });
