// Node (core/v1): status kept on create (the agent registers with it), spec/status split on update,
// validation of taints and names, the `kubectl get nodes` printer.
// Upstream: pkg/registry/core/node/strategy.go, pkg/apis/core/validation/validation.go (ValidateNode,
// validateNodeTaints), pkg/apis/core/v1/defaults.go (SetDefaults_NodeStatus), printers.go (printNode).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { duplicate, invalid, notSupported, required, type FieldError } from '../../../api/field.js';
import { isQualifiedName, isValidLabelValue } from '../../../api/labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { validateNonnegativeQuantity } from '../../validation/common.js';
import { age, ageColumn, column, docColumn, nameColumn } from '../../printing/columns.js';

export interface Node extends KObject {
  spec?: { unschedulable?: boolean; taints?: { key?: string; value?: string; effect?: string; timeAdded?: string }[]; podCIDR?: string; podCIDRs?: string[]; providerID?: string };
  status?: {
    capacity?: Record<string, string>; allocatable?: Record<string, string>;
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
    [k: string]: unknown;
  };
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(taints: NonNullable<Node['spec']>['taints']): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    for (const m of isQualifiedName(t.key ?? '')) errs.push(invalid(`${p}.key`, t.key ?? '', m));
    const valueErrs = isValidLabelValue(t.value ?? '');
    if (valueErrs.length) errs.push(invalid(`${p}.value`, t.value ?? '', valueErrs.join(';')));
    if (!t.effect) errs.push(required(`${p}.effect`));
    // Upstream lists the effects in this order, unsorted.
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) {
      errs.push({ ...duplicate(p, { raw: `core.Taint{Key:${JSON.stringify(t.key ?? '')}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect ?? '')}, TimeAdded:(*v1.Time)(nil)}` }), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    seen.add(id);
  });
  return errs;
}

function validateResources(list: Record<string, string> | undefined, path: string): FieldError[] {
  return Object.keys(list ?? {}).sort().flatMap((k) => validateNonnegativeQuantity(list![k], `${path}[${k}]`));
}

const validateNode = (n: Node) => [
  ...validateObjectMeta(n.metadata, { namespaced: false }),
  ...validateTaints(n.spec?.taints),
  ...validateResources(n.status?.capacity, 'status.capacity'),
  ...validateResources(n.status?.allocatable, 'status.allocatable'),
];

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role label, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) { const r = k.slice('node-role.kubernetes.io/'.length); if (r) roles.add(r); }
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** The Status cell: Ready / NotReady / Unknown, plus SchedulingDisabled. */
export function nodeStatus(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (n.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (n: Node, type: string) => n.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

export const node: KindDef<Node> = {
  names: { group: '', version: 'v1', kind: 'Node', listKind: 'NodeList', resource: 'nodes', singular: 'node', shortNames: ['no'], categories: [], namespaced: false },
  schema: 'io.k8s.api.core.v1.Node',
  hasStatus: true,
  subresources: [
    { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    { name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'] },
  ],

  defaults(n) {
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
  },
  prepareForUpdate(n, old) { if (old.status === undefined) delete n.status; else n.status = structuredClone(old.status); },
  prepareForStatusUpdate(n, old) { n.spec = structuredClone(old.spec); },

  validate: (n) => validateNode(n),
  validateUpdate: (n, old) => [...validateObjectMetaUpdate(n.metadata, old.metadata), ...validateNode(n)],
  validateStatusUpdate: (n, old) => [...validateObjectMetaUpdate(n.metadata, old.metadata), ...validateNode(n)],

  printer: {
    columns: [
      nameColumn(),
      column('Status', 'The status of the node'),
      column('Roles', 'The roles of the node'),
      ageColumn(),
      docColumn('Version', 'io.k8s.api.core.v1.NodeSystemInfo', 'kubeletVersion'),
      docColumn('Internal-IP', 'io.k8s.api.core.v1.NodeStatus', 'addresses', { priority: 1 }),
      docColumn('External-IP', 'io.k8s.api.core.v1.NodeStatus', 'addresses', { priority: 1 }),
      docColumn('OS-Image', 'io.k8s.api.core.v1.NodeSystemInfo', 'osImage', { priority: 1 }),
      docColumn('Kernel-Version', 'io.k8s.api.core.v1.NodeSystemInfo', 'kernelVersion', { priority: 1 }),
      docColumn('Container-Runtime', 'io.k8s.api.core.v1.NodeSystemInfo', 'containerRuntimeVersion', { priority: 1 }),
    ],
    cells(n, now) {
      const info = n.status?.nodeInfo ?? {};
      const roles = nodeRoles(n.metadata.labels);
      return [
        n.metadata.name, nodeStatus(n), roles.length ? roles.join(',') : '<none>', age(n.metadata, now), info.kubeletVersion ?? '',
        address(n, 'InternalIP'), address(n, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },

  fieldSelectors: {
    'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
  },
};
