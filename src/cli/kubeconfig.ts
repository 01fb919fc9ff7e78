// Writes DIR/kubeconfig atomically (temp file + rename), so a watcher never reads half a file.
import { rename, writeFile } from 'node:fs/promises';
import { kubeconfigYaml } from '../apiserver/pki.js';

export async function writeKubeconfig(path: string, server: string, caPem: string, token: string): Promise<void> {
  await writeFile(`${path}.tmp`, kubeconfigYaml({ server, caPem, token, name: 'stowage' }), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}
