// The external-provisioner framework: for every registered provisioner, provisions claims the PV controller
// handed to it (volume.kubernetes.io/storage-provisioner == its name) and deletes the Released volumes it made.
// Claims are provisioned in parallel (each mostly waits on a helper pod).
// Upstream: sigs.k8s.io/sig-storage-lib-external-provisioner/v11 controller/controller.go
// (shouldProvision, provisionClaimOperation, shouldDelete, deleteVolumeOperation, rescheduleProvisioning).
import { R } from '../../api/gvr.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { Informer } from '../../client/informer.js';
import type { Client } from '../../client/types.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { EventSink } from '../pvbinder/controller.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass,
  claimKey, clone, hasAnnotation,
} from '../pvbinder/helpers.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../pvbinder/types.js';
import { RescheduleError, type Provisioner } from './types.js';

export interface ProvisioningControllerDeps {
  client: Client;
  claims: Informer<PersistentVolumeClaim>;
  volumes: Informer<PersistentVolume>;
  classes: Informer<StorageClass>;
  nodes: Informer<Node>;
  /** One event sink per provisioner (events are reported with the provisioner's identity as source). */
  events: (provisioner: string) => EventSink;
  provisioners: Provisioner[];
  workers?: number;
  log?: (msg: string, extra?: object) => void;
}

/** Claims provisioned at once (each waits on a helper pod); deletions get a quarter. */
export const DEFAULT_WORKERS = 100;

export class ProvisioningController {
  readonly claimQueue = new WorkQueue({ baseDelayMs: 500, maxDelayMs: 60_000 });
  readonly volumeQueue = new WorkQueue({ baseDelayMs: 500, maxDelayMs: 60_000 });
  private readonly byName = new Map<string, Provisioner>();
  private readonly log: (msg: string, extra?: object) => void;

  constructor(private readonly d: ProvisioningControllerDeps) {
    for (const p of d.provisioners) this.byName.set(p.name, p);
    this.log = d.log ?? (() => {});
    d.claims.addEventHandler({
      onAdd: (c) => this.maybeQueueClaim(c),
      onUpdate: (_o, c) => this.maybeQueueClaim(c),
    });
    d.volumes.addEventHandler({
      onAdd: (v) => this.maybeQueueVolume(v),
      onUpdate: (_o, v) => this.maybeQueueVolume(v),
    });
    d.classes.addEventHandler({
      onAdd: (sc) => { for (const c of d.claims.list()) if (claimClass(c) === sc.metadata.name) this.maybeQueueClaim(c); },
    });
  }

  run(): Promise<unknown> {
    // A claim's worker mostly waits on its helper pod (seconds), so the pool bounds how many volumes are
    // made at once: 1,000 claims through 16 workers queued for a minute. Upstream: kubernetes-csi
    // external-provisioner --worker-threads (default 100).
    const n = this.d.workers ?? DEFAULT_WORKERS;
    return Promise.all([
      runWorkers(this.claimQueue, n, (k) => this.syncClaim(k), (k, e) => this.log(`provisioning ${k}: ${(e as Error).message}`)),
      runWorkers(this.volumeQueue, Math.max(2, n >> 2), (k) => this.syncVolume(k), (k, e) => this.log(`deleting ${k}: ${(e as Error).message}`)),
    ]);
  }
  stop(): void { this.claimQueue.shutDown(); this.volumeQueue.shutDown(); }

  private provisionerFor(c: PersistentVolumeClaim): Provisioner | undefined {
    const name = c.metadata.annotations?.[ANN_STORAGE_PROVISIONER] ?? c.metadata.annotations?.[ANN_BETA_STORAGE_PROVISIONER];
    return name ? this.byName.get(name) : undefined;
  }

  private maybeQueueClaim(c: PersistentVolumeClaim): void {
    if (this.shouldProvision(c)) this.claimQueue.add(claimKey(c));
  }

  /** Upstream: shouldProvision. */
  shouldProvision(c: PersistentVolumeClaim): boolean {
    if (c.spec.volumeName || c.metadata.deletionTimestamp) return false;
    const p = this.provisionerFor(c);
    if (!p) return false;
    const sc = this.d.classes.getByName(undefined, claimClass(c));
    if (!sc || sc.provisioner !== p.name) return false;
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !hasAnnotation(c, ANN_SELECTED_NODE)) return false;
    return !this.d.volumes.getByName(undefined, `pvc-${c.metadata.uid}`);
  }

  private async syncClaim(key: string): Promise<void> {
    const [ns, name] = key.split('/') as [string, string];
    const claim = this.d.claims.getByName(ns, name);
    if (!claim || !this.shouldProvision(claim)) return;
    const p = this.provisionerFor(claim)!;
    const sc = this.d.classes.getByName(undefined, claimClass(claim))!;
    const events = this.d.events(p.name);
    const pvName = `pvc-${claim.metadata.uid}`;
    // Another process (or an earlier run) may have made it already.
    try { await this.d.client.get(R.persistentvolumes, undefined, pvName); return; } catch (e) { if (!isNotFound(e)) throw e; }
    events.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim ${JSON.stringify(key)}`);
    const nodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    let selectedNode: Node | undefined;
    if (nodeName) {
      selectedNode = this.d.nodes.getByName(undefined, nodeName);
      if (!selectedNode) {
        const msg = `failed to get target node: node ${JSON.stringify(nodeName)} not found`;
        events.event(claim, 'Warning', 'ProvisioningFailed', msg);
        await this.rescheduleProvisioning(claim);
        return;
      }
    }
    let pv: PersistentVolume;
    try {
      pv = await p.provision({ pvName, claim, storageClass: sc, selectedNode });
    } catch (e) {
      events.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass ${JSON.stringify(sc.metadata.name)}: ${(e as Error).message}`);
      // Upstream: a finished (not in-background) failure on a selected node hands the claim back to the
      // scheduler by removing volume.kubernetes.io/selected-node; without a node, retry with back-off.
      if (e instanceof RescheduleError || hasAnnotation(claim, ANN_SELECTED_NODE)) { await this.rescheduleProvisioning(claim); return; }
      throw e;
    }
    pv.metadata.name = pvName;
    pv.metadata.annotations = { ...pv.metadata.annotations, [ANN_DYNAMICALLY_PROVISIONED]: p.name };
    pv.spec.claimRef = {
      kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
      uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
    };
    pv.spec.storageClassName = claimClass(claim);
    pv.spec.persistentVolumeReclaimPolicy ??= sc.reclaimPolicy ?? 'Delete';
    if (sc.mountOptions?.length) pv.spec.mountOptions = sc.mountOptions;
    try {
      await this.d.client.create(R.persistentvolumes, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', ...pv });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    events.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  /** Upstream: rescheduleProvisioning — remove the selected node so the scheduler chooses again. */
  private async rescheduleProvisioning(claim: PersistentVolumeClaim): Promise<void> {
    if (!hasAnnotation(claim, ANN_SELECTED_NODE)) return;
    const c = clone(claim);
    const ann = { ...c.metadata.annotations };
    delete ann[ANN_SELECTED_NODE];
    c.metadata.annotations = ann;
    await this.d.client.update(R.persistentvolumeclaims, c.metadata.namespace, c);
  }

  private maybeQueueVolume(v: PersistentVolume): void {
    if (this.shouldDelete(v)) this.volumeQueue.add(v.metadata.name!);
  }

  /** Upstream: shouldDelete — ours, Released, reclaim Delete. */
  shouldDelete(v: PersistentVolume): boolean {
    const by = v.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
    if (!by || !this.byName.has(by)) return false;
    return v.status?.phase === 'Released' && v.spec.persistentVolumeReclaimPolicy === 'Delete';
  }

  private async syncVolume(name: string): Promise<void> {
    const v = this.d.volumes.getByName(undefined, name);
    if (!v || !this.shouldDelete(v)) return;
    const p = this.byName.get(v.metadata.annotations![ANN_DYNAMICALLY_PROVISIONED]!)!;
    try {
      await p.delete(v);
    } catch (e) {
      this.d.events(p.name).event(v, 'Warning', 'VolumeFailedDelete', (e as Error).message);
      throw e;
    }
    try {
      await this.d.client.delete(R.persistentvolumes, undefined, name, { preconditions: { uid: v.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
