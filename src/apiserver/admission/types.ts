// Admission plugins: mutating ones run before the kind's strategy, validating ones after validation,
// in upstream's order. Upstream: k8s.io/apiserver/pkg/admission (interfaces.go), kube-apiserver plugin order.
import type { KObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import type { ResourceInfo } from '../resources.js';
import type { Store } from '../store/store.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceInfo;
  subresource?: string;
  namespace?: string;
  name: string;
  /** The new object (create/update); mutating plugins change it in place. */
  obj?: KObject;
  /** The current object (update/delete). */
  old?: KObject;
  ctx: RequestContext;
}

export interface AdmissionPlugin {
  name: string;
  admit?(a: AdmissionAttributes, store: Store): Promise<void> | void;
  validate?(a: AdmissionAttributes, store: Store): Promise<void> | void;
}

export const isCore = (r: ResourceInfo, resource: string) => r.group === '' && r.resource === resource;
