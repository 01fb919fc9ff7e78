// configMap, secret, downwardAPI and projected volumes: build a payload of files from API objects and the
// pod, then write it with the atomic writer. Re-run on the agent's periodic sync, so changes reach
// running pods (except subPath mounts, which see the files of their start, as upstream).
// Upstream: pkg/volume/{configmap,secret,downwardapi,projected}, pkg/volume/util (MakePayload)
import { R } from '../../api/gvr.js';
import { isNotFound } from '../../api/errors.js';
import type { KObject } from '../../api/object.js';
import type { IKeyToPath } from 'kubernetes-models/v1/KeyToPath';
import type { IDownwardAPIVolumeFile } from 'kubernetes-models/v1/DownwardAPIVolumeFile';
import { atomicWrite, type Payload } from './atomic-writer.js';
import { VolumeError, pluginDir, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.js';
import { fieldPathValue, resourceFieldValue } from '../pods/fieldpath.js';
import { promises as fsp } from 'node:fs';
import { unmountIfMounted } from '../runtime/mount.js';
import { setVolumeOwnership, podFsGroup } from './ownership.js';

const DEFAULT_MODE = 0o644;

type DataObject = KObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

async function getOptional(ctx: VolumeContext, kind: 'configmap' | 'secret', name: string, optional: boolean): Promise<DataObject | undefined> {
  try {
    return await ctx.client.get<DataObject>(kind === 'configmap' ? R.configmaps : R.secrets, ctx.pod.metadata.namespace, name);
  } catch (e) {
    if (!isNotFound(e)) throw new VolumeError(String((e as Error).message), true);
    if (optional) return undefined;
    // The kubelet's object cache reports the singular resource name.
    throw new VolumeError(`${kind} "${name}" not found`, true);
  }
}

/** key → bytes of a ConfigMap (data + binaryData) or Secret (base64 data). */
function bytesOf(kind: 'configmap' | 'secret', obj: DataObject): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  if (kind === 'configmap') {
    for (const [k, v] of Object.entries(obj.data ?? {})) m.set(k, Buffer.from(v, 'utf8'));
    for (const [k, v] of Object.entries(obj.binaryData ?? {})) m.set(k, Buffer.from(v, 'base64'));
  } else {
    for (const [k, v] of Object.entries(obj.data ?? {})) m.set(k, Buffer.from(v, 'base64'));
    for (const [k, v] of Object.entries((obj as { stringData?: Record<string, string> }).stringData ?? {})) m.set(k, Buffer.from(v, 'utf8'));
  }
  return m;
}

/** Upstream: configmap.MakePayload / secret.MakePayload */
function makePayload(kind: 'configmap' | 'secret', obj: DataObject | undefined, items: IKeyToPath[] | undefined, defaultMode: number, optional: boolean, into: Payload): void {
  if (!obj) return;
  const data = bytesOf(kind, obj);
  if (!items || items.length === 0) {
    for (const [k, v] of data) into.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeError(kind === 'configmap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`, true);
    }
    into.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
}

function downwardPayload(ctx: VolumeContext, items: IDownwardAPIVolumeFile[], defaultMode: number, into: Payload): void {
  for (const it of items) {
    let value: string;
    if (it.fieldRef) value = fieldPathValue(ctx.pod, it.fieldRef.fieldPath, ctx.hostIP);
    else if (it.resourceFieldRef) value = resourceFieldValue(ctx.pod, it.resourceFieldRef, it.resourceFieldRef.containerName);
    else continue;
    into.set(it.path, { data: Buffer.from(value), mode: it.mode ?? defaultMode });
  }
}

async function writeVolume(ctx: VolumeContext, plugin: string, name: string, payload: Payload): Promise<string> {
  const dir = pluginDir(ctx, plugin, name);
  await fsp.mkdir(dir, { recursive: true });
  try { await atomicWrite(dir, payload); } catch (e) { if (e instanceof VolumeError) throw e; throw new VolumeError((e as Error).message, true); }
  // These volumes are read-only to the pod (upstream GetAttributes ReadOnly): group read, no group write.
  await setVolumeOwnership(dir, podFsGroup(ctx.pod).fsGroup, true);
  return dir;
}

function projectionPlugin(name: string, canSupport: VolumePlugin['canSupport'], build: (ctx: VolumeContext, v: Parameters<VolumePlugin['setUp']>[1]) => Promise<Payload>): VolumePlugin {
  return {
    name,
    canSupport,
    async setUp(ctx, v): Promise<MountedVolume> {
      return { path: await writeVolume(ctx, name, v.name, await build(ctx, v)), plugin: name, refresh: true, eventName: v.name };
    },
    async tearDown(ctx, v) {
      const dir = pluginDir(ctx, name, v.name);
      await unmountIfMounted(dir);
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

export const configMapPlugin = projectionPlugin('kubernetes.io/configmap', (v) => !!v.configMap, async (ctx, v) => {
  const s = v.configMap!;
  const payload: Payload = new Map();
  makePayload('configmap', await getOptional(ctx, 'configmap', s.name ?? '', !!s.optional), s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional, payload);
  return payload;
});

export const secretPlugin = projectionPlugin('kubernetes.io/secret', (v) => !!v.secret, async (ctx, v) => {
  const s = v.secret!;
  const payload: Payload = new Map();
  makePayload('secret', await getOptional(ctx, 'secret', s.secretName ?? '', !!s.optional), s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional, payload);
  return payload;
});

export const downwardAPIPlugin = projectionPlugin('kubernetes.io/downward-api', (v) => !!v.downwardAPI, async (ctx, v) => {
  const payload: Payload = new Map();
  downwardPayload(ctx, v.downwardAPI!.items ?? [], v.downwardAPI!.defaultMode ?? DEFAULT_MODE, payload);
  return payload;
});

export const projectedPlugin = projectionPlugin('kubernetes.io/projected', (v) => !!v.projected, async (ctx, v) => {
  const p = v.projected!;
  const mode = p.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  for (const src of p.sources ?? []) {
    if (src.configMap) makePayload('configmap', await getOptional(ctx, 'configmap', src.configMap.name ?? '', !!src.configMap.optional), src.configMap.items, mode, !!src.configMap.optional, payload);
    if (src.secret) makePayload('secret', await getOptional(ctx, 'secret', src.secret.name ?? '', !!src.secret.optional), src.secret.items, mode, !!src.secret.optional, payload);
    if (src.downwardAPI) downwardPayload(ctx, src.downwardAPI.items ?? [], mode, payload);
    // Stowage does not mint service account tokens yet: the file exists so clients find it, empty.
    if (src.serviceAccountToken) payload.set(src.serviceAccountToken.path, { data: Buffer.alloc(0), mode });
  }
  return payload;
});
