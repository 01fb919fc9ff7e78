// The version Stowage reports. The API server says it is Kubernetes v1.32.4 (kubectl's dispatcher picks its
// client binary from /version), the kubelet reports v1.32.4+stowage.
import { readFileSync } from 'node:fs';

export const KUBERNETES_VERSION = 'v1.32.4';

export function stowageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
