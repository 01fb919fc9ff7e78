// Names the way the API server's generateName makes them: prefix + 5 characters from an alphabet without
// vowels or look-alikes. Made client-side so the printed name is known before the create returns.
// Upstream: staging/src/k8s.io/apiserver/pkg/storage/names/generate.go, utilrand.String
import { randomInt } from 'node:crypto';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string, n = 5): string {
  let s = prefix;
  for (let i = 0; i < n; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return s;
}
