// Composition of the storage control plane: PV controller (binding, reclaim, in-tree provisioning), the
// external provisioners (rancher.io/local-path), and the pvc/pv protection controllers, all on shared
// informers and talking to the cluster only through the Client.
// Upstream: cmd/kube-controller-manager/app/core.go (startPersistentVolumeBinderController,
// startPVCProtectionController, startPVProtectionController) and the local-path-provisioner deployment.
import { R } from '../api/gvr.js';
import { isAlreadyExists } from '../api/errors.js';
import { EventRecorder } from '../client/events.js';
import type { InformerFactory } from '../client/informer.js';
import type { Client } from '../client/types.js';
import { runWorkers } from '../client/workqueue.js';
import type { KObject } from '../api/object.js';
import { PVController, type EventSink } from './pvbinder/controller.js';
import { claimKey } from './pvbinder/helpers.js';
import type { VolumePlugins } from './pvbinder/plugins.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from './pvbinder/types.js';
import { ProvisioningController } from './provisioning/controller.js';
import { HelperPodRunner } from './provisioning/helperpod.js';
import { HOST_PATH_PROVISIONER, HostPathPlugin } from './provisioning/hostpath.js';
import { CONFIG_MAP as LOCAL_PATH_CONFIG_MAP, CONFIG_NAMESPACE as LOCAL_PATH_CONFIG_NAMESPACE, defaultLocalPathConfigMap, defaultStorageClass, LocalPathProvisioner } from './provisioning/localpath.js';
import { claimKeysOfPod, PVCProtectionController, PVProtectionController } from './protection/protection.js';

export interface StorageControllerOptions {
  client: Client;
  informers: InformerFactory;
  now?: () => Date;
  log?: (msg: string, extra?: object) => void;
  /** Periodic full resync of claims and volumes (upstream default 15 s). */
  resyncMs?: number;
  /** Parallel claim workers of the PV controller. */
  workers?: number;
}

/** Pods by the claim keys their volumes name, kept from informer events (works even if the informer started earlier). */
export class PodsByClaim {
  private byClaim = new Map<string, Map<string, Pod>>();
  add(p: Pod): void {
    const pk = `${p.metadata.namespace}/${p.metadata.name}`;
    for (const k of claimKeysOfPod(p)) {
      let m = this.byClaim.get(k);
      if (!m) this.byClaim.set(k, (m = new Map()));
      m.set(pk, p);
    }
  }
  remove(p: Pod): void {
    const pk = `${p.metadata.namespace}/${p.metadata.name}`;
    for (const k of claimKeysOfPod(p)) {
      const m = this.byClaim.get(k);
      m?.delete(pk);
      if (m && m.size === 0) this.byClaim.delete(k);
    }
  }
  get(key: string): Pod[] { return [...(this.byClaim.get(key)?.values() ?? [])]; }
}

const sink = (r: EventRecorder): EventSink => ({ event: (o, type, reason, message) => { void r.event(o as KObject, type, reason, message); } });

export async function startStorageControllers(o: StorageControllerOptions): Promise<{ stop(): void }> {
  const { client, informers } = o;
  const log = o.log ?? (() => {});
  const now = o.now ?? (() => new Date());
  const pvs = informers.for<PersistentVolume>(R.persistentvolumes);
  const pvcs = informers.for<PersistentVolumeClaim>(R.persistentvolumeclaims);
  const classes = informers.for<StorageClass>(R.storageclasses);
  const pods = informers.for<Pod>(R.pods);
  const nodes = informers.for<Node>(R.nodes);
  const onEventError = (err: unknown) => log('event not recorded', { err: String(err) });
  const pvEvents = new EventRecorder(client, { component: 'persistentvolume-controller' }, now, onEventError);
  const provisionerRecorders = new Map<string, EventSink>();
  const provisionerEvents = (name: string): EventSink => {
    let s = provisionerRecorders.get(name);
    if (!s) provisionerRecorders.set(name, (s = sink(new EventRecorder(client, { component: `${name}_stowage-provisioner` }, now, onEventError))));
    return s;
  };

  const podsByClaim = new PodsByClaim();
  const runner = new HelperPodRunner(client, pods, (m) => log(m));
  const hostPath = new HostPathPlugin({ runner, nodeNames: () => nodes.keys() });
  // The provisioner's ConfigMap, watched: an edit applies to the next claim (upstream re-reads its mounted file).
  const localPathConfig = informers.for(R.configmaps, { namespace: LOCAL_PATH_CONFIG_NAMESPACE, fieldSelector: `metadata.name=${LOCAL_PATH_CONFIG_MAP}` });
  const localPath = new LocalPathProvisioner(client, runner, {
    nodeExists: (n) => !!nodes.getByName(undefined, n), log: (m) => log(m),
    configMap: () => localPathConfig.getByName(LOCAL_PATH_CONFIG_NAMESPACE, LOCAL_PATH_CONFIG_MAP),
  });
  const plugins: VolumePlugins = {
    provisionable: (name) => (name === HOST_PATH_PROVISIONER ? hostPath : undefined),
    deletableByName: (name) => (name === HOST_PATH_PROVISIONER ? hostPath : undefined),
    deletableBySpec: (pv) => (pv.spec.hostPath ? hostPath : undefined),
    recyclableBySpec: (pv) => (pv.spec.hostPath ? hostPath : undefined),
  };

  const pv = new PVController({
    client, plugins, now, log, events: sink(pvEvents),
    podsForClaim: (ns, name) => podsByClaim.get(`${ns}/${name}`),
    getNode: (n) => nodes.getByName(undefined, n),
  });
  const provisioning = new ProvisioningController({
    client, claims: pvcs, volumes: pvs, classes, nodes, events: provisionerEvents, provisioners: [localPath], log,
  });
  const pvcProtection = new PVCProtectionController({ client, getClaim: (k) => pvcs.get(k), podsForClaim: (k) => podsByClaim.get(k) });
  const pvProtection = new PVProtectionController({ client, getVolume: (n) => pvs.getByName(undefined, n) });

  pvs.addEventHandler({
    onAdd: (v) => { pv.volumeObserved(v); pvProtection.volumeChanged(v); },
    onUpdate: (_o, v) => { pv.volumeObserved(v); pvProtection.volumeChanged(v); },
    onDelete: (v) => pv.volumeDeleted(v),
  });
  pvcs.addEventHandler({
    onAdd: (c) => { pv.claimObserved(c); pvcProtection.claimChanged(c); },
    onUpdate: (_o, c) => { pv.claimObserved(c); pvcProtection.claimChanged(c); },
    onDelete: (c) => pv.claimDeleted(c),
  });
  classes.addEventHandler({
    onAdd: (sc) => pv.classObserved(sc),
    onUpdate: (_o, sc) => pv.classObserved(sc),
    onDelete: (sc) => pv.classDeleted(sc),
  });
  pods.addEventHandler({
    onAdd: (p) => { podsByClaim.add(p); pvcProtection.podChanged(p, false); },
    onUpdate: (old, p) => { podsByClaim.remove(old); podsByClaim.add(p); pvcProtection.podChanged(p, false); },
    onDelete: (p) => { podsByClaim.remove(p); pvcProtection.podChanged(p, true); },
  });

  await informers.startAll();
  await Promise.all([pvs, pvcs, classes, pods, nodes].map((i) => i.waitForSync()));

  const onError = (what: string) => (key: string, err: unknown) => log(`${what} ${key}: ${(err as Error).message}`);
  const workers = o.workers ?? 4;
  const running = [
    runWorkers(pv.claimQueue, workers, (k) => pv.syncClaimKey(k), onError('syncClaim')),
    runWorkers(pv.volumeQueue, Math.max(1, workers >> 1), (k) => pv.syncVolumeKey(k), onError('syncVolume')),
    runWorkers(pvcProtection.queue, 1, (k) => pvcProtection.sync(k), onError('pvc-protection')),
    runWorkers(pvProtection.queue, 1, (k) => pvProtection.sync(k), onError('pv-protection')),
    provisioning.run(),
  ];
  const resync = setInterval(() => pv.resync(), o.resyncMs ?? 15_000);
  resync.unref?.();
  void Promise.all(running).catch((e) => log('storage controllers stopped', { err: String(e) }));

  return {
    stop() {
      clearInterval(resync);
      pv.claimQueue.shutDown(); pv.volumeQueue.shutDown();
      pvcProtection.queue.shutDown(); pvProtection.queue.shutDown();
      provisioning.stop();
    },
  };
}

/**
 * Creates the default StorageClass `local-path` and the ConfigMap kube-system/local-path-config that
 * configures its provisioner, as k3s ships them (idempotent: what exists, perhaps edited by the user, stays).
 */
export async function ensureDefaultStorageClass(client: Client): Promise<void> {
  for (const [gvr, ns, obj] of [[R.storageclasses, undefined, defaultStorageClass()], [R.configmaps, LOCAL_PATH_CONFIG_NAMESPACE, defaultLocalPathConfigMap()]] as const) {
    try {
      await client.create(gvr, ns, obj);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}

export { claimKey };
