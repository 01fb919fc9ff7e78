// Patch application for PATCH requests: JSON merge patch (RFC 7386), JSON patch (RFC 6902, fast-json-patch)
// and strategic merge patch (smp.ts). Errors are StatusErrors with upstream's codes and wording.
// Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (jsonPatcher.applyJSPatch,
// smpPatcher.applyPatchToCurrentObject, strategicPatchObject).
import fjp from 'fast-json-patch';
import { StatusError, badRequest } from '../../api/errors.js';
import type { GVK } from '../../api/gvr.js';
import type { KObject } from '../../api/object.js';
import { schemaNameOf } from './decode.js';
import { JsonSyntaxError, parseJsonStrict } from './json-strict.js';
import { SmpError, strategicMerge } from './smp.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** 422 as NewGenericServerResponse(http.StatusUnprocessableEntity, …) words it, with the library's error as the cause. */
function unprocessable(why: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: why }],
  });
}

function parse(patch: Buffer): unknown {
  try {
    return parseJsonStrict(patch.toString('utf8')).value;
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw badRequest(e.message);
    throw e;
  }
}

/** evanphx/json-patch texts for fast-json-patch's error names. */
function jsonPatchMessage(e: { name?: string; message: string; operation?: { op?: string; path?: string } }): string {
  const op = e.operation?.op ?? '';
  const path = e.operation?.path ?? '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED': return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE': return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE': return `${op} operation does not apply: doc is missing from path: "${path}": missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX': case 'OPERATION_VALUE_OUT_OF_BOUNDS': return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    default: return e.message.split('\n')[0]!;
  }
}

export function applyPatch(type: 'strategic' | 'merge' | 'json', original: KObject, patch: Buffer, gvk: GVK): KObject {
  const current = structuredClone(original) as Obj;
  const p = parse(patch);
  if (type === 'json') {
    if (!Array.isArray(p)) throw badRequest(`json: cannot unmarshal ${isObj(p) ? 'object' : typeof p} into Go value of type jsonpatch.Patch`);
    for (const op of p) {
      if (!isObj(op) || typeof op.op !== 'string') throw badRequest('Unexpected kind: unknown');
      if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) throw unprocessable(`Unexpected kind: ${op.op}`);
      if (typeof op.path !== 'string') throw unprocessable(`${op.op} operation missing path`);
    }
    try {
      const res = fjp.applyPatch(current, p as fjp.Operation[], true, false);
      return res.newDocument as KObject;
    } catch (e) {
      throw unprocessable(jsonPatchMessage(e as { name?: string; message: string }));
    }
  }
  if (!isObj(p)) throw badRequest(`json: cannot unmarshal ${Array.isArray(p) ? 'array' : typeof p} into Go value of type map[string]interface {}`);
  if (type === 'merge') return mergePatch(current, p) as KObject;
  const schema = schemaNameOf(gvk);
  if (!schema) return mergePatch(current, p) as KObject;
  try {
    return strategicMerge(current, p, schema) as KObject;
  } catch (e) {
    if (e instanceof SmpError) throw unprocessable(e.message);
    throw e;
  }
}
