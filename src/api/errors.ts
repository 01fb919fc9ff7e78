// metav1.Status errors with the reasons, codes and messages kube-apiserver uses.
// Upstream: k8s.io/apimachinery/pkg/api/errors/errors.go
import { aggregate, errorBody, type FieldError } from './field.js';

export interface StatusCause { reason?: string; message?: string; field?: string }
export interface StatusDetails {
  name?: string; group?: string; kind?: string; uid?: string;
  causes?: StatusCause[]; retryAfterSeconds?: number;
}
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A failed API call. Thrown by the registry, the store and the in-process client; the HTTP layer writes toStatus(). */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }
  toStatus(): Status {
    const st: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) st.details = this.details;
    return st;
  }
  static fromStatus(st: Partial<Status>): StatusError {
    return new StatusError(st.code ?? 500, st.reason ?? 'InternalError', st.message ?? '', st.details);
  }
}

/** The qualified resource as upstream prints it: "pods", "deployments.apps", "storageclasses.storage.k8s.io". */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}
/** The qualified kind: "PersistentVolume", "StorageClass.storage.k8s.io". */
export function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

export const isStatusError = (e: unknown, reason?: string): e is StatusError =>
  e instanceof StatusError && (reason === undefined || e.reason === reason);
export const isNotFound = (e: unknown) => isStatusError(e, 'NotFound');
export const isAlreadyExists = (e: unknown) => isStatusError(e, 'AlreadyExists');
export const isConflict = (e: unknown) => isStatusError(e, 'Conflict');

export function notFound(group: string, resource: string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`,
    { name, ...(group ? { group } : {}), kind: resource });
}
export function alreadyExists(group: string, resource: string, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`,
    { name, ...(group ? { group } : {}), kind: resource });
}
export function conflict(group: string, resource: string, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
    { name, ...(group ? { group } : {}), kind: resource });
}
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function invalid(group: string, kind: string, name: string, errs: FieldError[]): StatusError {
  return new StatusError(422, 'Invalid', `${qualifiedKind(kind, group)} "${name}" is invalid: ${aggregate(errs)}`, {
    name, ...(group ? { group } : {}), kind,
    causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  });
}
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}
export function forbidden(group: string, resource: string, name: string, why: string): StatusError {
  return new StatusError(403, 'Forbidden', `${qualifiedResource(resource, group)} "${name}" is forbidden: ${why}`,
    { name, ...(group ? { group } : {}), kind: resource });
}
export function methodNotSupported(group: string, resource: string, action: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(resource, group)}"`,
    { ...(group ? { group } : {}), kind: resource });
}
export function gone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}
export function tooManyRequests(message: string, retryAfterSeconds?: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
}
export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}
export function internal(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}
export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}
export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`, { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] });
}
export function requestEntityTooLarge(limit: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}
