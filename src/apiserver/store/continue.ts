// Continue tokens for paged lists: opaque base64 JSON holding the revision the first page was read at
// and the last key returned, as upstream (storage/continue.go: {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}).
import { badRequest } from '../../api/errors.js';

export interface ContinuePosition { revision: number; startAfter: string }

export function encodeContinue(revision: number, lastKey: string, prefix: string): string {
  // Upstream stores the key relative to the list prefix with a NUL appended (the next possible key).
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: lastKey.slice(prefix.length) + '\u0000' })).toString('base64');
}

export function decodeContinue(token: string, prefix: string): ContinuePosition {
  let v: unknown;
  try { v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')); } catch { v = undefined; }
  const t = v as { v?: string; rv?: number; start?: string } | undefined;
  if (!t || t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || !t.start.endsWith('\u0000')) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (t.start.includes('..') || t.start.startsWith('/')) throw badRequest('continue key is not valid: path traversal not allowed');
  return { revision: t.rv, startAfter: prefix + t.start.slice(0, -1) };
}
