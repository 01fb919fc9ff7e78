// What a request carries through admission, strategy and storage: who, when, and the write options.
import type { Validation } from './codec-bridge.js';

export interface UserInfo { username: string; uid?: string; groups: string[] }

export const ADMIN_USER: UserInfo = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

export interface RequestContext {
  user: UserInfo;
  now: Date;
  dryRun: boolean;
  /** fieldManager query parameter, or one derived from the user agent as upstream. */
  fieldManager: string;
  fieldValidation: Validation;
  /** Warnings for the client (Warning headers over HTTP). */
  warnings: string[];
}

export function makeContext(user: UserInfo, now: Date, o: Partial<Omit<RequestContext, 'user' | 'now' | 'warnings'>> = {}): RequestContext {
  return { user, now, dryRun: o.dryRun ?? false, fieldManager: o.fieldManager ?? '', fieldValidation: o.fieldValidation ?? 'Strict', warnings: [] };
}

/** Upstream: the default field manager is the user agent's program name (e.g. "kubectl"). */
export function managerFromUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown';
  const prog = ua.split('/')[0]!.trim();
  return prog.slice(0, 128) || 'unknown';
}
