// Pod deletion is graceful: a pod on a node is marked (deletionTimestamp = now + grace) and its node
// agent removes it with gracePeriodSeconds=0 once the containers stopped; unscheduled or finished pods go at once.
// Upstream: pkg/registry/core/pod/strategy.go CheckGracefulDelete; pod storage ReturnDeletedObject.
import type { KObject } from '../../api/object.js';
import type { DeleteOptions, StorageHooks } from '../store/store.js';

interface Pod { spec?: { nodeName?: string; terminationGracePeriodSeconds?: number }; status?: { phase?: string } }

export const podStorageHooks: StorageHooks = {
  returnDeletedObject: true,
  gracePeriod(obj: KObject, opts: DeleteOptions): number {
    const pod = obj as unknown as Pod;
    let grace = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (!pod.spec?.nodeName) grace = 0;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') grace = 0;
    return Math.max(0, grace);
  },
};
