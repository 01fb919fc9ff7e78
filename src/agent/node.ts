// Node registration, status and heartbeat: the Node object as the kubelet writes it (labels, taints,
// capacity/allocatable, conditions, addresses, daemon endpoint, nodeInfo) and the Lease in
// kube-node-lease renewed every 10 s.
// Upstream: pkg/kubelet/kubelet_node_status.go (registerWithAPIServer, initialNode, setNodeStatus),
// pkg/kubelet/nodestatus/setters.go, pkg/kubelet/nodelease (controller.go)
import os from 'node:os';
import { statfsSync, readFileSync } from 'node:fs';
import { R } from '../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import type { KObject } from '../api/object.js';
import type { Client } from '../client/types.js';

export const KUBELET_VERSION = 'v1.32.4+stowage';
export const LEASE_DURATION_SECONDS = 40;

export interface NodeOptions {
  nodeName: string; nodeRoot: string; address: string; kubeletPort: number;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  sandbox: { ok: boolean; reason?: string };
  now: () => Date;
  /** Pods this node takes (capacity and allocatable `pods`). Upstream: KubeletConfiguration maxPods, default 110. */
  maxPods?: number;
}

export const DEFAULT_MAX_PODS = 110;

const goArch = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
/** MicroTime as the API serializes it: six fractional digits. */
const microTime = (d: Date) => d.toISOString().replace(/\.(\d+)Z$/, (_m, f: string) => `.${f.padEnd(6, '0').slice(0, 6)}Z`);

function readOr(p: string, d: string): string { try { return readFileSync(p, 'utf8').trim(); } catch { return d; } }

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readOr('/etc/os-release', ''));
  return m?.[1] ?? 'Linux';
}

export function nodeLabels(o: NodeOptions): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': goArch(), 'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': goArch(), 'kubernetes.io/hostname': o.nodeName, 'kubernetes.io/os': 'linux',
    ...(o.labels ?? {}),
  };
}

export function nodeStatus(o: NodeOptions, prev?: Record<string, unknown>): Record<string, unknown> {
  const now = rfc3339(o.now());
  let storageKi = 0;
  try { const s = statfsSync(o.nodeRoot); storageKi = Math.floor((s.blocks * s.bsize) / 1024); } catch { /* unknown */ }
  const memKi = Math.floor(os.totalmem() / 1024);
  const capacity = { cpu: String(os.cpus().length), 'ephemeral-storage': `${storageKi}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${memKi}Ki`, pods: String(o.maxPods ?? DEFAULT_MAX_PODS) };
  const prevConds = (prev?.conditions ?? []) as Array<Record<string, string>>;
  const c = (type: string, status: string, reason: string, message: string) => {
    const old = prevConds.find((x) => x.type === type);
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now, reason, message };
  };
  const conditions = [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
  // Not an upstream condition: says that pods on this node are simulated, and why.
  if (!o.sandbox.ok) conditions.push(c('SandboxUnavailable', 'True', 'NoSandbox', `pods are simulated (no processes run): ${o.sandbox.reason}`));
  return {
    capacity, allocatable: { ...capacity },
    conditions,
    addresses: [{ type: 'InternalIP', address: o.address }, { type: 'Hostname', address: o.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: o.kubeletPort } },
    nodeInfo: {
      machineID: readOr('/etc/machine-id', ''), systemUUID: readOr('/etc/machine-id', ''), bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
      kernelVersion: os.release(), osImage: osImage(), containerRuntimeVersion: 'stowage://0.1.0 (bubblewrap)',
      kubeletVersion: KUBELET_VERSION, kubeProxyVersion: '', operatingSystem: 'linux', architecture: goArch(),
    },
  };
}

/** Creates the Node, or updates labels/taints/status of the one a previous run registered. */
export async function registerNode(client: Client, o: NodeOptions): Promise<KObject> {
  const labels = nodeLabels(o);
  const node: KObject = {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: o.nodeName, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: o.taints?.length ? { taints: o.taints } : {},
  };
  let existing: KObject;
  try { existing = await client.create(R.nodes, undefined, node); }
  catch (e) {
    if (!isAlreadyExists(e)) throw e;
    existing = await client.patch(R.nodes, undefined, o.nodeName, 'merge', { metadata: { labels } });
  }
  return client.patch(R.nodes, undefined, o.nodeName, 'merge', { status: nodeStatus(o, existing.status as Record<string, unknown>) }, { subresource: 'status' });
}

type Condition = Record<string, string>;
const conditionKey = (c: Condition) => JSON.stringify([c.type, c.status, c.reason, c.message]);
const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Whether the status the kubelet would post differs from the stored one, heartbeat times aside: e.g. the
 * node lifecycle controller set Ready to Unknown while this agent is alive.
 * Upstream: pkg/kubelet/kubelet_node_status.go nodeStatusHasChanged
 */
export function nodeStatusChanged(stored: Record<string, unknown> | undefined, desired: Record<string, unknown>): boolean {
  const a = ((stored?.conditions ?? []) as Condition[]).map(conditionKey).sort();
  const b = ((desired.conditions ?? []) as Condition[]).map(conditionKey).sort();
  if (!sameJSON(a, b)) return true;
  return ['capacity', 'allocatable', 'addresses', 'daemonEndpoints', 'nodeInfo'].some((k) => !sameJSON(stored?.[k], desired[k]));
}

/**
 * One round of the kubelet's node status loop (every 10 s upstream): posts the status when it differs
 * from the stored one or when `force` (the report period elapsed). Returns whether it posted.
 * Upstream: pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus
 */
export async function syncNodeStatus(client: Client, o: NodeOptions, force: boolean): Promise<boolean> {
  const cur = await client.get(R.nodes, undefined, o.nodeName);
  const stored = cur.status as Record<string, unknown> | undefined;
  const desired = nodeStatus(o, stored);
  if (!force && !nodeStatusChanged(stored, desired)) return false;
  await client.patch(R.nodes, undefined, o.nodeName, 'merge', { status: desired }, { subresource: 'status' });
  return true;
}

export async function updateNodeStatus(client: Client, o: NodeOptions): Promise<void> {
  await syncNodeStatus(client, o, true);
}

/** Creates or renews the node's Lease (owned by the Node, so it goes with it). */
export async function renewLease(client: Client, o: NodeOptions, nodeUid?: string): Promise<void> {
  const ns = 'kube-node-lease';
  const spec = { holderIdentity: o.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(o.now()) };
  try {
    await client.patch(R.leases, ns, o.nodeName, 'merge', { spec });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    const lease: KObject = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: o.nodeName, namespace: ns, ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: o.nodeName, uid: nodeUid }] } : {}) },
      spec,
    };
    try { await client.create(R.leases, ns, lease); }
    catch (e2) {
      if (isNotFound(e2)) { // the namespace itself is missing
        await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => {});
        await client.create(R.leases, ns, lease);
      } else if (!isAlreadyExists(e2)) throw e2;
    }
  }
}
