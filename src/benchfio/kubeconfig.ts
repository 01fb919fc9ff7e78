// What `bench fio` needs from a kubeconfig: the server, its CA and the bearer token (the HTTPS Client
// and the exec WebSocket both use them). Current context, as kubectl resolves it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ClusterAccess { server: string; ca?: Buffer; token?: string; insecure: boolean; namespace?: string; file: string }

/** --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find(Boolean);
  return first ?? path.join(os.homedir(), '.kube', 'config');
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
  users?: { name: string; user: { token?: string; tokenFile?: string } }[];
}

export function loadClusterAccess(file: string): ClusterAccess {
  let kc: KubeconfigFile;
  try { kc = parseYaml(readFileSync(file, 'utf8')) as KubeconfigFile; }
  catch (e) { throw new Error(`unable to read kubeconfig ${file}: ${(e as Error).message}`); }
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster ?? kc.clusters?.[0]?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.context.user)?.user;
  if (!cluster?.server) throw new Error(`kubeconfig ${file}: no cluster with a server`);
  const dir = path.dirname(file);
  const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64')
    : cluster['certificate-authority'] ? readFileSync(path.resolve(dir, cluster['certificate-authority'])) : undefined;
  const token = user?.token ?? (user?.tokenFile ? readFileSync(path.resolve(dir, user.tokenFile), 'utf8').trim() : undefined);
  return { server: cluster.server, ca, token, insecure: cluster['insecure-skip-tls-verify'] === true, namespace: ctx?.context.namespace, file };
}

/** The API server runs on this machine (so the node roots under its data dir are local disks). */
export function isLoopbackServer(server: string): boolean {
  const host = new URL(server).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
