// /openapi/v2: the Swagger 2.0 document, made from the same generated OpenAPI v3 documents (definitions
// only). kubectl 1.27 and 1.28 fetch it (protobuf, gnostic's openapi_v2.Document) before every create or
// apply with validation on, and fail without it; they also read it for `kubectl explain`. Newer clients use
// v3. No paths are served: kubectl then finds no PATCH operation for a kind and computes apply's strategic
// merge patch from its compiled-in types, as 1.29+ does with our v3 documents.
// The conversion keeps what kube-openapi's v2 parser reads (type, format, description, properties, items,
// additionalProperties, required, $ref, x-kubernetes-* extensions) and writes upstream's v2 forms:
// `#/definitions/` references, `allOf: [$ref]` as a plain `$ref`, int-or-string as `type: string,
// format: int-or-string`.
// protobufjs encodes; the message table below is the subset of gnostic's OpenAPIv2.proto the document uses
// (field numbers as there).
// Upstream: k8s.io/kube-openapi/pkg/handler (/openapi/v2), pkg/util/proto (NewOpenAPIData),
// github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { allOpenapiV3Docs } from './openapi.js';

type Json = Record<string, unknown>;

const GNOSTIC: protobuf.INamespace = {
  nested: {
    openapi: { nested: { v2: { nested: {
      Document: { fields: { swagger: { type: 'string', id: 1 }, info: { type: 'Info', id: 2 }, paths: { type: 'Paths', id: 8 }, definitions: { type: 'Definitions', id: 9 } } },
      Info: { fields: { title: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } } },
      Paths: { fields: { path: { rule: 'repeated', type: 'NamedAny', id: 2 } } },
      Definitions: { fields: { additionalProperties: { rule: 'repeated', type: 'NamedSchema', id: 1 } } },
      NamedSchema: { fields: { name: { type: 'string', id: 1 }, value: { type: 'Schema', id: 2 } } },
      NamedAny: { fields: { name: { type: 'string', id: 1 }, value: { type: 'Any', id: 2 } } },
      Any: { fields: { yaml: { type: 'string', id: 2 } } },
      Properties: { fields: { additionalProperties: { rule: 'repeated', type: 'NamedSchema', id: 1 } } },
      ItemsItem: { fields: { schema: { rule: 'repeated', type: 'Schema', id: 1 } } },
      TypeItem: { fields: { value: { rule: 'repeated', type: 'string', id: 1 } } },
      AdditionalPropertiesItem: { oneofs: { oneof: { oneof: ['schema', 'boolean'] } }, fields: { schema: { type: 'Schema', id: 1 }, boolean: { type: 'bool', id: 2 } } },
      Schema: { fields: {
        _ref: { type: 'string', id: 1 }, format: { type: 'string', id: 2 }, description: { type: 'string', id: 4 },
        required: { rule: 'repeated', type: 'string', id: 19 }, additionalProperties: { type: 'AdditionalPropertiesItem', id: 21 },
        type: { type: 'TypeItem', id: 22 }, items: { type: 'ItemsItem', id: 23 }, properties: { type: 'Properties', id: 25 },
        vendorExtension: { rule: 'repeated', type: 'NamedAny', id: 31 },
      } },
    } } } },
  },
};
// protobufjs is loaded on the first request for the document (kubectl 1.27/1.28 only), not at start-up.
let documentType: protobuf.Type | undefined;
async function documentTypeOf(): Promise<protobuf.Type> {
  documentType ??= (await import('protobufjs')).default.Root.fromJSON(GNOSTIC).lookupType('openapi.v2.Document');
  return documentType;
}

const refV2 = (ref: string) => ref.replace('#/components/schemas/', '#/definitions/');

/** One v3 schema in upstream's v2 form (JSON). */
export function toV2Schema(s: Json): Json {
  const all = s.allOf as Json[] | undefined;
  if (all?.length === 1 && typeof all[0]!.$ref === 'string') return { $ref: refV2(all[0]!.$ref as string), ...(s.description ? { description: s.description } : {}) };
  if (typeof s.$ref === 'string') return { ...s, $ref: refV2(s.$ref) };
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, Json>).map(([n, p]) => [n, toV2Schema(p)]));
    else if (k === 'items') out.items = toV2Schema(v as Json);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'object' ? toV2Schema(v as Json) : v;
    else if (k === 'oneOf' || k === 'anyOf') {
      // v3's int-or-string (and Quantity) is a string with a format in v2.
      if (!s.format) out.format = 'int-or-string';
      out.type = 'string';
    } else if (k === 'allOf' || k === 'default' || k === 'enum' || k === 'nullable') continue; // not read by v2 clients
    else out[k] = v;
  }
  return out;
}

function encodeSchema(s: Json): Json {
  const vendor = Object.entries(s).filter(([k]) => k.startsWith('x-')).map(([name, v]) => ({ name, value: { yaml: JSON.stringify(v) + '\n' } }));
  const props = s.properties as Record<string, Json> | undefined;
  const add = s.additionalProperties;
  return {
    ...(s.$ref ? { _ref: s.$ref } : {}),
    ...(s.format ? { format: s.format } : {}),
    ...(s.description ? { description: s.description } : {}),
    ...(Array.isArray(s.required) ? { required: s.required } : {}),
    ...(add !== undefined ? { additionalProperties: typeof add === 'object' ? { schema: encodeSchema(add as Json) } : { boolean: !!add } } : {}),
    ...(s.type ? { type: { value: [s.type] } } : {}),
    ...(s.items ? { items: { schema: [encodeSchema(s.items as Json)] } } : {}),
    ...(props ? { properties: { additionalProperties: Object.entries(props).map(([name, p]) => ({ name, value: encodeSchema(p) })) } } : {}),
    ...(vendor.length ? { vendorExtension: vendor } : {}),
  };
}

let built: { json: Buffer; proto: Buffer; etag: string } | undefined;

/** The v2 document as JSON and as gnostic protobuf, built once from every group-version's v3 schemas. */
export async function openapiV2(version: string): Promise<{ json: Buffer; proto: Buffer; etag: string }> {
  if (built) return built;
  const DocumentType = await documentTypeOf();
  const definitions: Record<string, Json> = {};
  for (const doc of allOpenapiV3Docs()) {
    const schemas = ((JSON.parse(doc.toString('utf8')) as Json).components as Json | undefined)?.schemas as Record<string, Json> | undefined;
    for (const [name, s] of Object.entries(schemas ?? {})) definitions[name] ??= toV2Schema(s);
  }
  const names = Object.keys(definitions).sort();
  const info = { title: 'Kubernetes', version };
  const json = Buffer.from(JSON.stringify({ swagger: '2.0', info, paths: {}, definitions: Object.fromEntries(names.map((n) => [n, definitions[n]])) }));
  const message = DocumentType.fromObject({
    swagger: '2.0', info, paths: {},
    definitions: { additionalProperties: names.map((name) => ({ name, value: encodeSchema(definitions[name]!) })) },
  });
  const proto = Buffer.from(DocumentType.encode(message).finish());
  built = { json, proto, etag: createHash('sha512').update(json).digest('hex').toUpperCase() };
  return built;
}

/** For tests: the protobuf document decoded back to plain objects. */
export async function decodeOpenapiV2(body: Buffer): Promise<Json> {
  const DocumentType = await documentTypeOf();
  return DocumentType.toObject(DocumentType.decode(body), { defaults: false }) as Json;
}
