// Namespace (core/v1): the metadata.name label, phase Active, the kubernetes finalizer, status/finalize split.
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_Namespace, SetDefaults_NamespaceStatus),
// pkg/registry/core/namespace/strategy.go, pkg/apis/core/validation/validation.go (ValidateNamespace*),
// printers.go (printNamespace).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { invalid, type FieldError } from '../../../api/field.js';
import { isQualifiedName } from '../../../api/labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { nameIsDNSLabel } from '../../validation/names.js';
import { age, ageColumn, docColumn, nameColumn } from '../../printing/columns.js';

export interface Namespace extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
}

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';
export const FINALIZER_KUBERNETES = 'kubernetes';
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

// The label always names the namespace (defaulting and Canonicalize both enforce it).
function setNameLabel(ns: Namespace): void {
  if (!ns.metadata.name) return;
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [METADATA_NAME_LABEL]: ns.metadata.name };
}

/** core ValidateFinalizerName: a qualified name, and unqualified ones must be standard. */
function validateFinalizerName(f: string, path: string): FieldError[] {
  const errs = isQualifiedName(f).map((m) => invalid(path, f, m));
  if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) errs.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  return errs;
}

const validateNamespace = (ns: Namespace) => [
  ...validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel }),
  ...(ns.spec?.finalizers ?? []).flatMap((f) => validateFinalizerName(f, 'spec.finalizers')),
];

export const namespace: KindDef<Namespace> = {
  names: { group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', resource: 'namespaces', singular: 'namespace', shortNames: ['ns'], categories: [], namespaced: false },
  schema: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  subresources: [
    { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
    { name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'] },
  ],

  defaults(ns) {
    setNameLabel(ns);
    ns.status ??= {};
    if (!ns.status.phase) ns.status.phase = 'Active';
  },

  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
    const finalizers = ns.spec?.finalizers ?? [];
    if (!finalizers.includes(FINALIZER_KUBERNETES)) ns.spec = { ...(ns.spec ?? {}), finalizers: [...finalizers, FINALIZER_KUBERNETES] };
    setNameLabel(ns);
  },

  prepareForUpdate(ns, old) {
    // spec.finalizers change only through /finalize, status only through /status.
    ns.spec = { ...(ns.spec ?? {}) };
    if (old.spec?.finalizers === undefined) delete ns.spec.finalizers; else ns.spec.finalizers = [...old.spec.finalizers];
    if (old.status === undefined) delete ns.status; else ns.status = structuredClone(old.status);
    setNameLabel(ns);
  },

  prepareForStatusUpdate(ns, old) {
    ns.spec = structuredClone(old.spec);
    setNameLabel(ns);
  },

  validate: (ns) => validateNamespace(ns),
  validateUpdate: (ns, old) => [...validateObjectMetaUpdate(ns.metadata, old.metadata), ...validateNamespace(ns)],
  validateStatusUpdate(ns, old) {
    const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
    const phase = ns.status?.phase ?? '';
    if (!ns.metadata.deletionTimestamp) {
      if (phase !== 'Active') errs.push(invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (phase !== 'Terminating') {
      errs.push(invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return errs;
  },

  printer: {
    columns: [nameColumn(), docColumn('Status', 'io.k8s.api.core.v1.NamespaceStatus', 'phase'), ageColumn()],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? '', age(ns.metadata, now)],
  },

  fieldSelectors: {
    'status.phase': (ns) => ns.status?.phase ?? '',
    name: (ns) => ns.metadata.name,
  },
};
