// rancher.io/local-path: a directory per volume on the node the scheduler picked, made and removed by helper
// pods on that node. Upstream: rancher/local-path-provisioner provisioner.go (Provision, Delete,
// getPathAndNodeForPV, createHelperPod, canonicalizeConfig) and deploy/local-path-storage.yaml.
import { R } from '../../api/gvr.js';
import { isNotFound } from '../../api/errors.js';
import type { Client } from '../../client/types.js';
import { claimRequest } from '../pvbinder/helpers.js';
import { quantityIntValue } from '../../api/quantity.js';
import type { PersistentVolume, Pod, StorageClass } from '../pvbinder/types.js';
import type { KObject } from '../../api/object.js';
import { parse as parseYaml } from 'yaml';
import { type HelperPodRunner, nodeScriptPod, volumeHosts } from './helperpod.js';
import type { Provisioner, ProvisionOptions } from './types.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const DEFAULT_CLASS_NAME = 'local-path';
export const CONFIG_MAP = 'local-path-config';
export const CONFIG_NAMESPACE = 'kube-system';
export const DEFAULT_PATH = '/opt/local-path-provisioner';
export const NODE_DEFAULT_NON_LISTED = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';
// The scripts and helper pod template of upstream's deploy/local-path-storage.yaml, what `up` puts into the
// ConfigMap: a user may edit them there, as with k3s or the upstream deployment.
export const DEFAULT_SETUP = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"';
export const DEFAULT_TEARDOWN = '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"';
export const DEFAULT_HELPER_POD_YAML = [
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: helper-pod', 'spec:', '  priorityClassName: system-node-critical',
  '  tolerations:', '    - key: node.kubernetes.io/disk-pressure', '      operator: Exists', '      effect: NoSchedule',
  '  containers:', '  - name: helper-pod', '    image: busybox', '    imagePullPolicy: IfNotPresent',
].join('\n');

type NodePathMapData = { node: string; paths: string[] }[];
export interface LocalPathConfigData {
  nodePathMap?: NodePathMapData; cmdTimeoutSeconds?: number; sharedFileSystemPath?: string;
  /** Per StorageClass name: its own nodePathMap (or sharedFileSystemPath), instead of the top-level one. */
  storageClassConfigs?: Record<string, { nodePathMap?: NodePathMapData; sharedFileSystemPath?: string }>;
}
/** Where one class's volumes go: node → base paths, or one path every node shares. */
export interface ClassPaths { nodePathMap: Map<string, string[]>; sharedFileSystemPath?: string }
export interface LocalPathConfig extends ClassPaths {
  cmdTimeoutSeconds: number;
  /** storageClassConfigs by class name; when it has any, a class not in it is refused (upstream pickConfig). */
  classes: Map<string, ClassPaths>;
  /** The ConfigMap's setup and teardown scripts and helperPod.yaml (the defaults above when a key is absent). */
  setup: string; teardown: string; helperPod: Pod;
}

/** ConfigMap kube-system/local-path-config as `up` creates it (config.json, setup, teardown, helperPod.yaml). */
export function defaultLocalPathConfigMap(): KObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG_MAP, namespace: CONFIG_NAMESPACE },
    data: { 'config.json': JSON.stringify(DEFAULT_CONFIG, null, 2), setup: DEFAULT_SETUP, teardown: DEFAULT_TEARDOWN, 'helperPod.yaml': DEFAULT_HELPER_POD_YAML },
  };
}

/** helperPod.yaml as a Pod; upstream's loadHelperPodFile checks only that it parses. */
export function parseHelperPod(text: string): Pod {
  let pod: unknown;
  try { pod = parseYaml(text); } catch (e) { throw new Error(`invalid unmarshal the helper pod with helperPod.yaml: ${(e as Error).message}`); }
  const p = pod as Pod | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.spec?.containers) || p.spec.containers.length === 0) throw new Error('helper pod template in helperPod.yaml must have a container');
  return p;
}

function canonicalizeNodePathMap(data: NodePathMapData | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const n of data ?? []) {
    if (map.has(n.node)) throw new Error(`duplicate node ${n.node}`);
    const paths: string[] = [];
    for (const p of n.paths ?? []) {
      if (!p.startsWith('/')) throw new Error(`path must start with / for path ${p} on node ${n.node}`);
      const abs = p.replace(/\/+$/, '') || '/';
      if (abs === '/') throw new Error(`cannot use root ('/') as path on node ${n.node}`);
      if (paths.includes(abs)) throw new Error(`duplicate path ${p} on node ${n.node}`);
      paths.push(abs);
    }
    map.set(n.node, paths);
  }
  return map;
}

/** Upstream: canonicalizeConfig, with its error texts; storageClassConfigs follow the same rules. */
export function canonicalizeConfig(data: LocalPathConfigData, scripts: { setup?: string; teardown?: string; helperPod?: string } = {}): LocalPathConfig {
  let map: Map<string, string[]>;
  const classes = new Map<string, ClassPaths>();
  try {
    map = canonicalizeNodePathMap(data.nodePathMap);
    for (const [name, c] of Object.entries(data.storageClassConfigs ?? {})) {
      classes.set(name, { nodePathMap: canonicalizeNodePathMap(c.nodePathMap), sharedFileSystemPath: c.sharedFileSystemPath || undefined });
    }
  } catch (e) {
    throw new Error(`config canonicalization failed: ${(e as Error).message}`);
  }
  return {
    nodePathMap: map, sharedFileSystemPath: data.sharedFileSystemPath || undefined, classes, cmdTimeoutSeconds: data.cmdTimeoutSeconds ?? 120,
    setup: scripts.setup ?? DEFAULT_SETUP, teardown: scripts.teardown ?? DEFAULT_TEARDOWN, helperPod: parseHelperPod(scripts.helperPod ?? DEFAULT_HELPER_POD_YAML),
  };
}

export const DEFAULT_CONFIG: LocalPathConfigData = { nodePathMap: [{ node: NODE_DEFAULT_NON_LISTED, paths: [DEFAULT_PATH] }] };

/**
 * Upstream pickConfig: the top-level paths, or, once storageClassConfigs has entries, the class's own. A
 * sharedFileSystemPath is refused: Stowage resolves a volume's path under each node's own root, so no path
 * is the same directory on every node, and a volume without node affinity would hold different data per node.
 */
export function pathsForClass(cfg: LocalPathConfig, className: string): ClassPaths {
  const c = cfg.classes.size === 0 ? cfg : cfg.classes.get(className);
  if (!c) throw new Error(`BUG: Got request for unexpected storage class ${className}`);
  if (c.sharedFileSystemPath !== undefined && c.nodePathMap.size > 0) throw new Error('both nodePathMap and sharedFileSystemPath are defined. Please make sure only one is in use');
  if (c.sharedFileSystemPath !== undefined) throw new Error('sharedFileSystemPath is not supported by Stowage: every node keeps its volumes under its own root, so no path is shared by all nodes; use nodePathMap');
  return c;
}

/** Upstream: getPathOnNode — the node's entry, else DEFAULT_PATH_FOR_NON_LISTED_NODES; class parameter nodePath picks one. */
export function pathOnNode(cfg: ClassPaths, node: string, requested?: string): string {
  let paths = cfg.nodePathMap.get(node);
  if (!paths) {
    paths = cfg.nodePathMap.get(NODE_DEFAULT_NON_LISTED);
    if (!paths) throw new Error(`config doesn't contain node ${node}, and no ${NODE_DEFAULT_NON_LISTED} available`);
  }
  if (paths.length === 0) throw new Error(`no local path available on node ${node}`);
  if (requested) {
    if (!paths.includes(requested)) throw new Error(`config doesn't contain path ${requested} on node ${node}`);
    return requested;
  }
  return paths[Math.floor(Math.random() * paths.length)]!;
}

export class LocalPathProvisioner implements Provisioner {
  readonly name = LOCAL_PATH_PROVISIONER;
  readonly supportsMountOptions = true;
  private cached?: { version: string; cfg: LocalPathConfig };

  constructor(private readonly client: Client, private readonly runner: HelperPodRunner, private readonly o: {
    nodeExists?: (name: string) => boolean; log?: (msg: string) => void;
    /** The ConfigMap from a watch (an informer's cache): no request per claim. Without it, a GET each time. */
    configMap?: () => KObject | undefined;
  } = {}) {}

  private async readConfigMap(): Promise<KObject | undefined> {
    if (this.o.configMap) return this.o.configMap();
    try { return await this.client.get(R.configmaps, CONFIG_NAMESPACE, CONFIG_MAP); }
    catch (e) { if (isNotFound(e)) return undefined; throw e; }
  }

  /**
   * ConfigMap kube-system/local-path-config (config.json, setup, teardown, helperPod.yaml), parsed again
   * only when its resourceVersion changes; the defaults when it or a key is absent. A config that does not
   * load keeps the last valid one, as upstream's watchAndRefreshConfig does.
   */
  async config(): Promise<LocalPathConfig> {
    let cm: KObject | undefined;
    try { cm = await this.readConfigMap(); }
    catch (e) { if (this.cached) return this.cached.cfg; throw e; }
    const version = cm ? `${cm.metadata.uid}/${cm.metadata.resourceVersion}` : 'absent';
    if (this.cached?.version === version) return this.cached.cfg;
    const data = (cm?.data as Record<string, string> | undefined) ?? {};
    let cfg: LocalPathConfig;
    try {
      cfg = canonicalizeConfig(data['config.json'] ? JSON.parse(data['config.json']) as LocalPathConfigData : DEFAULT_CONFIG,
        { setup: data.setup, teardown: data.teardown, helperPod: data['helperPod.yaml'] });
    } catch (e) {
      if (this.cached) { this.o.log?.(`local-path config not loaded, keeping the last one: ${(e as Error).message}`); return this.cached.cfg; }
      throw e;
    }
    this.cached = { version, cfg };
    return cfg;
  }

  async provision(o: ProvisionOptions): Promise<PersistentVolume> {
    const pvc = o.claim;
    // The class's configuration first, as upstream (pickConfig, then the checks of provisionFor).
    const cfg = await this.config();
    const classPaths = pathsForClass(cfg, o.storageClass.metadata.name ?? '');
    if (pvc.spec.selector) throw new Error('claim.Spec.Selector is not supported');
    for (const m of pvc.spec.accessModes ?? []) {
      if (m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod') throw new Error('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
    }
    const node = o.selectedNode;
    if (!node) throw new Error('configuration error, no node was specified');
    const nodeName = node.metadata.name!;
    const basePath = pathOnNode(classPaths, nodeName, o.storageClass.parameters?.nodePath);
    const folder = folderName(o);
    const path = `${basePath}/${folder}`;
    const sizeBytes = quantityIntValue(claimRequest(pvc)).toString();
    await this.runHelper(cfg, 'create', o.pvName, path, nodeName, 'Filesystem', sizeBytes);

    const affinityKey = o.storageClass.parameters?.nodeAffinityKey || 'kubernetes.io/hostname';
    const affinityValue = node.metadata.labels?.[affinityKey] ?? nodeName;
    const volumeType = (pvc.metadata.annotations?.volumeType ?? o.storageClass.metadata.annotations?.defaultVolumeType ?? 'hostPath').toLowerCase();
    const source = volumeType === 'local' ? { local: { path } } : { hostPath: { path, type: 'DirectoryOrCreate' } };
    return {
      metadata: { name: o.pvName, annotations: { 'local.path.provisioner/selected-node': nodeName } },
      spec: {
        persistentVolumeReclaimPolicy: o.storageClass.reclaimPolicy ?? 'Delete',
        accessModes: pvc.spec.accessModes,
        volumeMode: 'Filesystem',
        capacity: { storage: pvc.spec.resources?.requests?.storage ?? '0' },
        ...source,
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: affinityKey, operator: 'In', values: [affinityValue] }] }] } },
      },
    };
  }

  async delete(pv: PersistentVolume): Promise<void> {
    const path = pv.spec.hostPath?.path ?? pv.spec.local?.path;
    if (!path) throw new Error(`failed to delete volume ${pv.metadata.name}: no path set`);
    const hosts = volumeHosts(pv);
    const node = pv.metadata.annotations?.['local.path.provisioner/selected-node'] ?? hosts[0];
    if (!node) throw new Error(`failed to delete volume ${pv.metadata.name}: cannot find affinited node`);
    if (this.o.nodeExists && !this.o.nodeExists(node)) {
      this.o.log?.(`Node ${node} does not exist, skipping cleanup for volume ${pv.metadata.name}`);
      return;
    }
    if (pv.spec.persistentVolumeReclaimPolicy === 'Retain') { this.o.log?.(`Retained volume ${pv.metadata.name}`); return; }
    const cfg = await this.config();
    await this.runHelper(cfg, 'delete', pv.metadata.name!, path, node, pv.spec.volumeMode ?? 'Filesystem', '0');
  }

  /**
   * Upstream: createHelperPod — the helperPod.yaml template on the node, the parent directory mounted at the
   * same path, the setup or teardown script run with `-p <dir> -s <bytes> -m <mode> -a <action>` and VOL_DIR,
   * VOL_MODE, VOL_SIZE_BYTES in its environment. The script is passed inline (`sh -c`) rather than from a
   * volume of the ConfigMap: the same script and arguments, one volume less to set up per helper pod.
   */
  private async runHelper(cfg: LocalPathConfig, action: 'create' | 'delete', pvName: string, path: string, node: string, mode: string, size: string): Promise<void> {
    const trimmed = path.replace(/\/+$/, '');
    const i = trimmed.lastIndexOf('/');
    const parent = trimmed.slice(0, i), dir = trimmed.slice(i + 1);
    if (!parent || !dir) throw new Error(`failed to ${action} volume ${pvName}: invalid path ${action} for ${path}: cannot find parent dir or volume dir`);
    const t = cfg.helperPod;
    const pod = nodeScriptPod({
      name: `${t.metadata?.name || 'helper-pod'}-${action}-${pvName}`, namespace: CONFIG_NAMESPACE, node, hostDir: parent,
      script: action === 'create' ? cfg.setup : cfg.teardown, args: ['-p', trimmed, '-s', size, '-m', mode, '-a', action],
      env: { VOL_DIR: trimmed, VOL_MODE: mode, VOL_SIZE_BYTES: size },
    });
    // The template's pod and container settings, under what the provisioner sets itself (upstream appends
    // its tolerations, volumes, mounts and env to the template's, and sets the rest).
    type List = unknown[] | undefined;
    const tc = t.spec.containers[0]!, mine = pod.spec.containers[0]!;
    pod.spec = {
      ...t.spec, ...pod.spec,
      containers: [{ ...tc, ...mine, image: tc.image ?? mine.image, securityContext: { privileged: true },
        env: [...((tc.env as List) ?? []), ...((mine.env as List) ?? [])], volumeMounts: [...((tc.volumeMounts as List) ?? []), ...((mine.volumeMounts as List) ?? [])] }],
      tolerations: [...((t.spec.tolerations as List) ?? []), ...((pod.spec.tolerations as List) ?? [])],
      volumes: [...(t.spec.volumes ?? []), ...(pod.spec.volumes ?? [])],
      priorityClassName: t.spec.priorityClassName ?? pod.spec.priorityClassName,
    };
    try {
      await this.runner.run(pod, cfg.cmdTimeoutSeconds * 1000, action);
    } catch (e) {
      throw new Error(`failed to ${action} volume ${pvName}: ${(e as Error).message}`);
    }
  }
}

/** `<pv>_<namespace>_<claim>`, or the class's pathPattern (a Go template over .PVName and .PVC). */
function folderName(o: ProvisionOptions): string {
  const pattern = o.storageClass.parameters?.pathPattern;
  if (!pattern) return [o.pvName, o.claim.metadata.namespace, o.claim.metadata.name].join('_');
  const meta = o.claim.metadata;
  return pattern.replace(/\{\{\s*\.([A-Za-z.]+)\s*\}\}/g, (_m, ref: string) => {
    if (ref === 'PVName') return o.pvName;
    if (ref === 'PVC.Namespace') return meta.namespace ?? '';
    if (ref === 'PVC.Name') return meta.name ?? '';
    const l = /^PVC\.Labels\.(.+)$/.exec(ref); if (l) return meta.labels?.[l[1]!] ?? '';
    const a = /^PVC\.Annotations\.(.+)$/.exec(ref); if (a) return meta.annotations?.[a[1]!] ?? '';
    return '';
  });
}

/** The StorageClass `up` creates: default, WaitForFirstConsumer, Delete, rancher.io/local-path. */
export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: DEFAULT_CLASS_NAME, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  };
}
