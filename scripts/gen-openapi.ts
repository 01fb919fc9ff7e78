// Generates the OpenAPI v3 documents Stowage serves (one per group-version) and the compact field schemas
// the API server's codec uses, from well-kept generated sources rather than by hand:
//  - kubernetes-models' .d.ts files: one interface per upstream schema, with property names, required-ness,
//    enums (literal unions), references to other schemas (imports resolve to upstream names) and the
//    upstream descriptions as JSDoc;
//  - @kubernetes/client-node's generated models (attributeTypeMap): integer formats (int32/int64) and
//    integer-vs-number, which the .d.ts files flatten to `number`;
//  - src/registry/kinds (allKinds): which kinds exist, their scope, verbs and subresources;
//  - src/apiserver/codec/patch-meta.ts: x-kubernetes-patch-* and x-kubernetes-list-* extensions.
// Usage: node dist/scripts/gen-openapi.js [--if-stale]   (writes generated/)
// Upstream: api/openapi-spec/v3/*.json of kubernetes v1.32 (the shape this reproduces).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { allKinds } from '../src/registry/kinds/index.js';
import type { KindDef } from '../src/registry/types.js';
import { patchMeta, retainKeysFields } from '../src/apiserver/codec/patch-meta.js';
import { repoRoot, type FieldSchemas, type FieldType, type TypeSchema } from '../src/apiserver/codec/schema.js';

const root = repoRoot();
const nm = join(root, 'node_modules');
const modelsDir = join(nm, 'kubernetes-models');
const machineryDir = join(nm, '@kubernetes-models', 'apimachinery');
const clientModelsDir = join(nm, '@kubernetes', 'client-node', 'dist', 'gen', 'models');

type Json = Record<string, unknown>;

// ---------- upstream name <-> kubernetes-models file ----------

/** io.k8s.api.core.v1.Pod → kubernetes-models/v1/Pod.d.ts; io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta → …/apis/meta/v1/ObjectMeta.d.ts */
function fileOf(name: string): string {
  const parts = name.split('.');
  if (name.startsWith('io.k8s.apimachinery.pkg.')) return join(machineryDir, ...parts.slice(4)) + '.d.ts';
  if (!name.startsWith('io.k8s.api.')) throw new Error(`unsupported schema ${name}`);
  const [group, version, type] = parts.slice(3) as [string, string, string];
  if (group === 'core') return join(modelsDir, version, `${type}.d.ts`);
  const dir = existsSync(join(modelsDir, group)) ? group : `${group}.k8s.io`;
  return join(modelsDir, dir, version, `${type}.d.ts`);
}

/** The inverse of fileOf, for an import specifier seen in `file`. */
function nameOfImport(spec: string, file: string): string {
  let path: string;
  if (spec.startsWith('@kubernetes-models/apimachinery/')) path = join(machineryDir, spec.slice('@kubernetes-models/apimachinery/'.length));
  else if (spec.startsWith('.')) path = resolve(dirname(file), spec.replace(/\.js$/, ''));
  else throw new Error(`unexpected import ${spec} in ${file}`);
  if (path.startsWith(machineryDir + sep)) return 'io.k8s.apimachinery.pkg.' + relative(machineryDir, path).split(sep).join('.');
  const rel = relative(modelsDir, path).split(sep);
  if (rel.length === 2) return `io.k8s.api.core.${rel[0]}.${rel[1]}`;
  return `io.k8s.api.${rel[0]!.replace(/\.k8s\.io$/, '')}.${rel[1]}.${rel[2]}`;
}

// ---------- integer formats from @kubernetes/client-node ----------

const clientAttrs = new Map<string, Map<string, { type: string; format: string }>>();
function clientAttributes(name: string): Map<string, { type: string; format: string }> | undefined {
  const parts = name.split('.');
  const type = parts.at(-1)!;
  const version = parts.at(-2)!;
  const group = parts.at(-3)!;
  const V = version[0]!.toUpperCase() + version.slice(1);
  const G = group[0]!.toUpperCase() + group.slice(1);
  for (const cls of [`${G}${V}${type}`, `${V}${type}`]) {
    if (clientAttrs.has(cls)) return clientAttrs.get(cls);
    const f = join(clientModelsDir, `${cls}.js`);
    if (!existsSync(f)) continue;
    // The generated module is `Cls.attributeTypeMap = [ {name, baseName, type, format}, … ];`: read it as data.
    const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(readFileSync(f, 'utf8'));
    const attrs = new Map<string, { type: string; format: string }>();
    if (m) for (const a of JSON.parse(m[1]!) as { baseName: string; type: string; format: string }[]) attrs.set(a.baseName, a);
    clientAttrs.set(cls, attrs);
    return attrs;
  }
  return undefined;
}

// ---------- .d.ts → schemas ----------

interface Prop { type: FieldType; description?: string; required: boolean; enumValues?: string[]; format?: string }
interface Parsed { description?: string; props: Map<string, Prop>; alias?: FieldType }

const parsed = new Map<string, Parsed>();

function docOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs.at(-1);
  const text = last ? ts.getTextOfJSDocComment(last.comment) : undefined;
  return text?.trim() || undefined;
}

/** Special upstream scalar types, recognised by name. */
const scalarAliases: Record<string, FieldType> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { t: 'quantity' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { t: 'intOrString' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { t: 'time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { t: 'microTime' },
};

function parseSchema(name: string): Parsed {
  const hit = parsed.get(name);
  if (hit) return hit;
  const file = fileOf(name);
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports = new Map<string, string>();
  const out: Parsed = { props: new Map() };
  parsed.set(name, out);
  const attrs = clientAttributes(name);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
      const spec = st.moduleSpecifier.text;
      if (spec === '@kubernetes-models/base') continue;
      for (const el of st.importClause.namedBindings.elements) imports.set(el.name.text, nameOfImport(spec, file));
    }
  }
  const typeOf = (node: ts.TypeNode, prop: Prop | undefined): FieldType => {
    if (node.kind === ts.SyntaxKind.StringKeyword) return { t: 'string' };
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return { t: 'boolean' };
    if (node.kind === ts.SyntaxKind.NumberKeyword) return { t: 'number' };
    if (node.kind === ts.SyntaxKind.AnyKeyword || node.kind === ts.SyntaxKind.UnknownKeyword || node.kind === ts.SyntaxKind.ObjectKeyword) return { t: 'any' };
    if (ts.isLiteralTypeNode(node)) {
      if (ts.isStringLiteral(node.literal)) { if (prop) prop.enumValues = [node.literal.text]; return { t: 'string' }; }
      return { t: 'any' };
    }
    if (ts.isUnionTypeNode(node)) {
      const lits = node.types.filter(ts.isLiteralTypeNode).map((l) => (ts.isStringLiteral(l.literal) ? l.literal.text : undefined));
      if (lits.length === node.types.length && lits.every((l) => l !== undefined)) { if (prop) prop.enumValues = lits as string[]; return { t: 'string' }; }
      const kinds = new Set(node.types.map((t) => t.kind));
      if (kinds.has(ts.SyntaxKind.StringKeyword) && kinds.has(ts.SyntaxKind.NumberKeyword)) return { t: 'intOrString' };
      return { t: 'any' };
    }
    if (ts.isArrayTypeNode(node)) return { t: 'array', items: typeOf(node.elementType, undefined) };
    if (ts.isTypeReferenceNode(node)) {
      const id = node.typeName.getText(sf);
      if (id === 'Array' && node.typeArguments?.[0]) return { t: 'array', items: typeOf(node.typeArguments[0], prop) };
      const ref = imports.get(id);
      if (ref) return scalarAliases[ref] ?? { t: 'ref', ref };
      return { t: 'any' };
    }
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (index?.type) return { t: 'map', values: typeOf(index.type, undefined) };
      return { t: 'any' };
    }
    if (ts.isParenthesizedTypeNode(node)) return typeOf(node.type, prop);
    return { t: 'any' };
  };
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) && st.name.text.startsWith('I')) {
      out.description = docOf(st);
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const key = ts.isStringLiteral(m.name) || ts.isIdentifier(m.name) ? m.name.text : m.name.getText(sf);
        const prop: Prop = { type: { t: 'any' }, description: docOf(m), required: !m.questionToken };
        prop.type = typeOf(m.type, prop);
        const a = attrs?.get(key);
        const numeric = (t: FieldType): FieldType => {
          if (t.t === 'number') {
            if (a && /int/.test(a.format)) { prop.format = a.format; return { t: 'integer' }; }
            if (a && a.format) prop.format = a.format;
            return a && a.format === 'double' ? t : { t: 'integer' };
          }
          if (t.t === 'array') return { t: 'array', items: numeric(t.items) };
          if (t.t === 'map') return { t: 'map', values: numeric(t.values) };
          return t;
        };
        prop.type = numeric(prop.type);
        out.props.set(key, prop);
      }
      break;
    }
    if (ts.isTypeAliasDeclaration(st) && st.name.text.startsWith('I') && !out.alias) {
      out.description = docOf(st);
      out.alias = scalarAliases[name] ?? typeOf(st.type, undefined);
    }
  }
  return out;
}

function collect(name: string, into: Set<string>): void {
  if (into.has(name)) return;
  into.add(name);
  const visit = (t: FieldType): void => {
    if (t.t === 'ref') collect(t.ref, into);
    else if (t.t === 'array') visit(t.items);
    else if (t.t === 'map') visit(t.values);
    else { const alias = Object.keys(scalarAliases).find((n) => scalarAliases[n]!.t === t.t); if (alias) into.add(alias); }
  };
  for (const p of parseSchema(name).props.values()) visit(p.type);
}

// ---------- OpenAPI rendering ----------

const ref = (name: string) => `#/components/schemas/${name}`;

function openapiType(t: FieldType, format?: string): Json {
  switch (t.t) {
    case 'string': return { type: 'string' };
    case 'boolean': return { type: 'boolean' };
    case 'integer': return { type: 'integer', ...(format ? { format } : {}) };
    case 'number': return { type: 'number', format: format || 'double' };
    case 'quantity': return { $ref: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') };
    case 'intOrString': return { $ref: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString') };
    case 'time': return { $ref: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time') };
    case 'microTime': return { $ref: ref('io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime') };
    case 'any': return { type: 'object' };
    case 'ref': return { $ref: ref(t.ref) };
    case 'array': return { type: 'array', items: withDefault(openapiType(t.items)) };
    case 'map': return { type: 'object', additionalProperties: withDefault(openapiType(t.values)) };
  }
}
// Upstream wraps references to structs in allOf with `default: {}` (kube-openapi's v3 conversion).
function withDefault(s: Json): Json {
  const scalar = typeof s.$ref === 'string' && Object.keys(scalarAliases).some((n) => s.$ref === ref(n));
  return typeof s.$ref === 'string' && !scalar ? { allOf: [s], default: {} } : s;
}

function schemaDoc(name: string, gvks: Map<string, Json[]>): Json {
  const p = parseSchema(name);
  if (scalarAliases[name]) {
    const t = scalarAliases[name]!;
    // kube-openapi's OpenAPIV3OneOfTypes: Quantity is string|number, IntOrString integer|string.
    if (t.t === 'quantity') return { description: p.description ?? '', oneOf: [{ type: 'string' }, { type: 'number' }] };
    if (t.t === 'intOrString') return { description: p.description ?? '', oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' };
    return { description: p.description ?? '', type: 'string', format: 'date-time' };
  }
  const out: Json = {};
  if (p.description) out.description = p.description;
  out.type = 'object';
  const props: Json = {};
  const required: string[] = [];
  const gvk = gvks.get(name);
  for (const [key, prop] of [...p.props.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    let s = openapiType(prop.type, prop.format);
    if (typeof s.$ref === 'string') s = { allOf: [s] };
    if (prop.enumValues && prop.type.t === 'string') s.enum = prop.enumValues;
    if (prop.type.t === 'array' && prop.type.items.t === 'string' && prop.enumValues) { delete s.enum; s.items = { type: 'string', enum: prop.enumValues, default: '' }; }
    const lm = patchMeta[name]?.[key];
    if (lm) {
      s['x-kubernetes-list-type'] = lm.listType;
      if (lm.mapKeys) s['x-kubernetes-list-map-keys'] = lm.mapKeys;
      if (lm.mergeKey) s['x-kubernetes-patch-merge-key'] = lm.mergeKey;
      if (lm.strategy) s['x-kubernetes-patch-strategy'] = lm.strategy;
    } else if (prop.type.t === 'array') {
      s['x-kubernetes-list-type'] = 'atomic';
    }
    if (retainKeysFields[name]?.includes(key)) s['x-kubernetes-patch-strategy'] = 'retainKeys';
    if (prop.description) s = { description: prop.description, ...s };
    props[key] = s;
    if (prop.required && !(gvk && (key === 'apiVersion' || key === 'kind'))) required.push(key);
  }
  if (p.props.size) out.properties = props;
  if (required.length) out.required = required;
  if (gvk) out['x-kubernetes-group-version-kind'] = gvk;
  return out;
}

function gvPathOf(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function operation(kind: KindDef, action: string, opts: { patch?: boolean; write?: boolean; subresource?: string; list?: boolean }): Json {
  const n = kind.names;
  const query = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
  const params: Json[] = [];
  if (opts.write) {
    params.push(query('dryRun', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed'));
    params.push(query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.'));
    params.push(query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.'));
  }
  if (opts.patch) params.push({ name: 'force', in: 'query', description: 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.', schema: { type: 'boolean', uniqueItems: true } });
  const gvk = { group: n.group, kind: n.kind, version: n.version };
  const body: Json = { $ref: ref(kind.schema) };
  const op: Json = {
    tags: [`${n.group ? n.group.split('.')[0] : 'core'}_${n.version}`],
    description: `${action} ${opts.subresource ? `${opts.subresource} of ` : ''}the specified ${n.kind}`,
    operationId: `${action}${n.namespaced ? 'Namespaced' : ''}${n.kind}${opts.subresource ? opts.subresource[0]!.toUpperCase() + opts.subresource.slice(1) : ''}`,
    parameters: params,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: body } } }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
  if (opts.patch) {
    // No application/strategic-merge-patch+json here on purpose: kubectl would then compute client-side
    // apply patches from these schemas (kubectl-protocol §4.1); it falls back to its compiled-in structs.
    op.requestBody = { content: { 'application/json-patch+json': { schema: { $ref: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') } }, 'application/merge-patch+json': { schema: { $ref: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') } }, 'application/apply-patch+yaml': { schema: { $ref: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') } } }, required: true };
  } else if (opts.write) {
    op.requestBody = { content: { '*/*': { schema: body } }, required: true };
  }
  return op;
}

function pathsFor(kind: KindDef): Record<string, Json> {
  const n = kind.names;
  const verbs = new Set(kind.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const base = `/${gvPathOf(n.group, n.version)}`;
  const nsParam = { name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } };
  const nameParam = { name: 'name', in: 'path', description: `name of the ${n.kind}`, required: true, schema: { type: 'string', uniqueItems: true } };
  const coll = n.namespaced ? `${base}/namespaces/{namespace}/${n.resource}` : `${base}/${n.resource}`;
  const scope = n.namespaced ? [nsParam] : [];
  const out: Record<string, Json> = {};
  const c: Json = { parameters: scope };
  if (verbs.has('list')) c.get = operation(kind, 'list', { list: true });
  if (verbs.has('create')) c.post = operation(kind, 'post', { write: true });
  if (verbs.has('deletecollection')) c.delete = operation(kind, 'deletecollection', {});
  out[coll] = c;
  if (['get', 'update', 'patch', 'delete'].some((v) => verbs.has(v))) {
    const i: Json = { parameters: [nameParam, ...scope] };
    if (verbs.has('get')) i.get = operation(kind, 'get', {});
    if (verbs.has('update')) i.put = operation(kind, 'put', { write: true });
    if (verbs.has('patch')) i.patch = operation(kind, 'patch', { write: true, patch: true });
    if (verbs.has('delete')) i.delete = operation(kind, 'delete', {});
    out[`${coll}/{name}`] = i;
  }
  if (n.namespaced && verbs.has('list')) out[`${base}/${n.resource}`] = { get: operation(kind, 'list', { list: true }) };
  if (kind.hasStatus || kind.subresources?.some((s) => s.name === 'status')) {
    out[`${coll}/{name}/status`] = {
      parameters: [nameParam, ...scope],
      get: operation(kind, 'get', { subresource: 'status' }),
      put: operation(kind, 'put', { write: true, subresource: 'status' }),
      patch: operation(kind, 'patch', { write: true, patch: true, subresource: 'status' }),
    };
  }
  return out;
}

export function generate(): { docs: Map<string, Json>; fields: FieldSchemas } {
  const byGV = new Map<string, KindDef[]>();
  const gvks = new Map<string, Json[]>();
  for (const k of allKinds) {
    const gv = gvPathOf(k.names.group, k.names.version);
    byGV.set(gv, [...(byGV.get(gv) ?? []), k]);
    gvks.set(k.schema, [{ group: k.names.group, kind: k.names.kind, version: k.names.version }]);
  }
  const all = new Set<string>();
  const docs = new Map<string, Json>();
  for (const [gv, kinds] of [...byGV.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const names = new Set<string>(['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
    for (const k of kinds) collect(k.schema, names);
    for (const nme of names) all.add(nme);
    const schemas: Json = {};
    for (const nme of [...names].sort()) schemas[nme] = schemaDoc(nme, gvks);
    const paths: Json = {};
    for (const k of kinds) Object.assign(paths, pathsFor(k));
    docs.set(gv, { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas } });
  }
  const fields: FieldSchemas = {};
  for (const nme of [...all].sort()) {
    const p = parseSchema(nme);
    if (scalarAliases[nme]) continue;
    const ts: TypeSchema = { props: Object.fromEntries([...p.props.entries()].map(([k, v]) => [k, v.type])) };
    if (p.props.size === 0 && !p.alias) ts.free = true;
    fields[nme] = ts;
  }
  return { docs, fields };
}

// ---------- staleness and output ----------

function inputsHash(): string {
  const h = createHash('sha256');
  for (const pkg of ['kubernetes-models', '@kubernetes-models/apimachinery', '@kubernetes/client-node', 'typescript']) {
    h.update(pkg + '@' + (JSON.parse(readFileSync(join(nm, pkg, 'package.json'), 'utf8')) as { version: string }).version);
  }
  const files: string[] = [join(root, 'scripts', 'gen-openapi.ts'), join(root, 'src', 'apiserver', 'codec', 'patch-meta.ts'), join(root, 'src', 'apiserver', 'codec', 'schema.ts')];
  const walk = (d: string) => { for (const e of readdirSync(d).sort()) { const f = join(d, e); if (statSync(f).isDirectory()) walk(f); else if (f.endsWith('.ts')) files.push(f); } };
  walk(join(root, 'src', 'registry', 'kinds'));
  for (const f of files) if (existsSync(f)) h.update(f.slice(root.length)).update(readFileSync(f));
  return h.digest('hex');
}

export function main(argv: string[]): void {
  const out = join(root, 'generated');
  const stampFile = join(out, 'openapi.stamp');
  const want = inputsHash();
  if (argv.includes('--if-stale') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return;
  const { docs, fields } = generate();
  mkdirSync(join(out, 'openapi'), { recursive: true });
  const manifest: Record<string, string> = {};
  for (const [gv, doc] of docs) {
    const file = `${gv.replace(/\//g, '__')}.json`;
    writeFileSync(join(out, 'openapi', file), JSON.stringify(doc));
    manifest[gv] = file;
  }
  writeFileSync(join(out, 'openapi', 'manifest.json'), JSON.stringify(manifest, null, 1));
  writeFileSync(join(out, 'field-schemas.json'), JSON.stringify(fields));
  writeFileSync(stampFile, want);
  process.stderr.write(`gen-openapi: wrote ${docs.size} OpenAPI v3 documents and ${Object.keys(fields).length} field schemas to ${relative(process.cwd(), out) || '.'}\n`);
}

const invokedDirectly = process.argv[1] && /gen-openapi\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) main(process.argv.slice(2));
