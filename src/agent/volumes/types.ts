// The volume plugin interface. Each plugin makes a pod volume available as a host directory (or file)
// that the runtime bind-mounts into containers; setUp and tearDown are idempotent, and a failure says
// whether retrying can help (a missing ConfigMap may appear; an invalid hostPath type never changes).
import type { Client } from '../../client/types.js';
import type { Pod, Volume } from '../pods/types.js';

export interface VolumeContext {
  client: Client;
  nodeRoot: string;
  /** <nodeRoot>/var/lib/kubelet/pods/<uid> */
  podDir: string;
  pod: Pod;
  nodeName: string;
  hostIP: string;
}

export interface MountedVolume {
  /** Host path the runtime bind-mounts. */
  path: string;
  plugin: string;
  /** Forced read-only whatever the volumeMount says (e.g. a PVC source with readOnly: true). */
  readOnly?: boolean;
  /** Content the agent refreshes on its periodic sync (configMap, secret, downwardAPI, projected). */
  refresh?: boolean;
  /** Name used in events (a PVC reports its PV's name, as upstream). */
  eventName: string;
}

export class VolumeError extends Error {
  constructor(message: string, readonly retry: boolean, readonly stage: 'SetUp' | 'NewMounter' = 'SetUp', readonly volumeName?: string) {
    super(message);
  }
}

export interface VolumePlugin {
  /** Upstream plugin name, e.g. kubernetes.io/empty-dir (its directory is kubernetes.io~empty-dir). */
  readonly name: string;
  canSupport(v: Volume): boolean;
  setUp(ctx: VolumeContext, v: Volume): Promise<MountedVolume>;
  tearDown(ctx: VolumeContext, v: Volume): Promise<void>;
}

export const pluginDir = (ctx: VolumeContext, plugin: string, name: string) =>
  `${ctx.podDir}/volumes/${plugin.replace('/', '~')}/${name}`;
