// The codec functions (src/apiserver/codec/**, written by the codec helper) loaded at start, with plain
// JSON fallbacks while a module is missing so the server still works with JSON bodies.
import type { GVK } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import { badRequest, StatusError } from '../api/errors.js';
import { parse as parseYaml } from 'yaml';
import jsonpatch from 'fast-json-patch';

export type Validation = 'Strict' | 'Warn' | 'Ignore';
export interface Codec {
  decodeObject(body: Buffer, contentType: string, gvk: GVK, validation: Validation): { obj: KObject; warnings: string[] };
  decodeProtobuf(body: Buffer): KObject;
  applyPatch(type: 'strategic' | 'merge' | 'json', original: KObject, patch: Buffer, gvk: GVK): KObject;
  serverSideApply(a: { live?: KObject; applied: KObject; manager: string; force: boolean; gvk: GVK; now: Date; subresource?: string }): KObject;
  recordUpdate(a: { old?: KObject; updated: KObject; manager: string; gvk: GVK; now: Date; subresource?: string }): void;
  openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> };
  openapiV3Doc(gvPath: string): { body: Buffer; hash: string } | undefined;
  /** The Swagger 2.0 document as JSON and gnostic protobuf (kubectl 1.27/1.28 need it). */
  openapiV2(version: string): Promise<{ json: Buffer; proto: Buffer; etag: string } | undefined>;
  /** Which functions fell back to the built-in JSON versions. */
  missing: string[];
}

function fallbackDecode(body: Buffer, contentType: string): { obj: KObject; warnings: string[] } {
  let v: unknown;
  try {
    v = contentType.includes('yaml') ? parseYaml(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  const obj = v as KObject;
  obj.metadata ??= {};
  return { obj, warnings: [] };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const fallback: Omit<Codec, 'missing'> = {
  decodeObject: (body, ct) => fallbackDecode(body, ct),
  decodeProtobuf: () => { throw badRequest('protobuf bodies are not supported'); },
  applyPatch: (type, original, patch) => {
    let p: unknown;
    try { p = JSON.parse(patch.toString('utf8')); } catch (e) { throw badRequest(`error decoding patch: ${(e as Error).message}`); }
    if (type === 'json') {
      try { return jsonpatch.applyPatch(structuredClone(original), p as jsonpatch.Operation[], true, false).newDocument; }
      catch (e) { throw new StatusError(422, 'Invalid', (e as Error).message); }
    }
    // Strategic merge falls back to JSON merge semantics (lists replaced) until the codec lands.
    return mergePatch(original, p) as KObject;
  },
  serverSideApply: ({ live, applied }) => (live ? (mergePatch(live, applied) as KObject) : applied),
  recordUpdate: () => {},
  openapiV3Index: () => ({ paths: {} }),
  openapiV3Doc: () => undefined,
  openapiV2: async () => undefined,
};

const modules: Record<string, string[]> = {
  './codec/decode.js': ['decodeObject', 'decodeProtobuf'],
  './codec/patch.js': ['applyPatch'],
  './codec/ssa.js': ['serverSideApply', 'recordUpdate'],
  './codec/openapi.js': ['openapiV3Index', 'openapiV3Doc'],
  './codec/openapi-v2.js': ['openapiV2'],
};

let loaded: Promise<Codec> | undefined;

export function loadCodec(): Promise<Codec> {
  loaded ??= (async () => {
    const codec = { ...fallback, missing: [] as string[] } as Codec;
    for (const [spec, names] of Object.entries(modules)) {
      let m: Record<string, unknown> | undefined;
      try { m = (await import(new URL(spec, import.meta.url).href)) as Record<string, unknown>; } catch { m = undefined; }
      for (const n of names) {
        if (m && typeof m[n] === 'function') (codec as unknown as Record<string, unknown>)[n] = m[n];
        else codec.missing.push(n);
      }
    }
    return codec;
  })();
  return loaded;
}
