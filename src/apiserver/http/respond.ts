// Writing answers: JSON bodies, metav1.Status errors and Warning headers.
import type { ServerResponse } from 'node:http';
import { StatusError, internal } from '../../api/errors.js';

/** Upstream Warning header value: 299 - "<text>" with quotes and backslashes escaped (kubectl-protocol §2.2). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings?: string[], contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string | string[] | number> = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' };
  if (warnings?.length) headers['Warning'] = [...new Set(warnings)].map(warningHeader);
  res.writeHead(code, headers);
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

export function toStatusError(e: unknown, log?: (msg: string, extra?: object) => void): StatusError {
  if (e instanceof StatusError) return e;
  log?.('apiserver: internal error', { err: e instanceof Error ? e.stack : String(e) });
  return internal(e instanceof Error ? e.message : String(e));
}

export function sendError(res: ServerResponse, e: unknown, log?: (msg: string, extra?: object) => void, warnings?: string[]): void {
  const err = toStatusError(e, log);
  if (res.headersSent) { res.destroy(); return; }
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, err.code, err.toStatus(), warnings);
}
