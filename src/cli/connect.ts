// How CLI tools (why, bench) reach a cluster: the kubeconfig named by --kubeconfig, $KUBECONFIG, or ~/.kube/config.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../client/http.js';
import type { Client } from '../client/types.js';

export function kubeconfigFile(explicit?: string): string {
  return explicit ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
}

export async function connectFromKubeconfig(explicit?: string): Promise<Client> {
  return HttpClient.fromKubeconfig(kubeconfigFile(explicit));
}
