// Container environment: image Env, then envFrom, then env (valueFrom resolved), with $(VAR) references
// expanded against the variables defined before them, as upstream.
// Upstream: pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, third_party/forked/golang/expansion
import { R } from '../../api/gvr.js';
import { isNotFound } from '../../api/errors.js';
import type { Client } from '../../client/types.js';
import type { KObject } from '../../api/object.js';
import { fieldPathValue, resourceFieldValue } from './fieldpath.js';
import type { Container, Pod } from './types.js';

/** Expands $(VAR) from lookup; $$ escapes; unknown references stay as written. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) { out += ch; continue; }
    const next = input[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) { out += input.slice(i); break; }
      const name = input.slice(i + 2, close);
      const v = lookup(name);
      out += v === undefined ? `$(${name})` : v;
      i = close;
      continue;
    }
    out += ch;
  }
  return out;
}

/** A failure the kubelet reports as CreateContainerConfigError with this message. */
export class ConfigError extends Error {}

type DataObject = KObject & { data?: Record<string, string> };

export async function containerEnv(client: Client, pod: Pod, c: Container, imageEnv: string[], hostIP: string): Promise<Array<[string, string]>> {
  const ns = pod.metadata.namespace;
  const cache = new Map<string, DataObject | null>();
  const fetch = async (kind: 'configmap' | 'secret', name: string): Promise<DataObject | null> => {
    const key = `${kind}/${name}`;
    if (!cache.has(key)) {
      try { cache.set(key, await client.get<DataObject>(kind === 'configmap' ? R.configmaps : R.secrets, ns, name)); }
      catch (e) { if (isNotFound(e)) cache.set(key, null); else throw e; }
    }
    return cache.get(key)!;
  };
  const valueOf = (kind: 'configmap' | 'secret', o: DataObject, k: string) =>
    o.data?.[k] === undefined ? undefined : kind === 'secret' ? Buffer.from(o.data[k]!, 'base64').toString('utf8') : o.data[k];

  const env = new Map<string, string>();
  for (const kv of imageEnv) { const i = kv.indexOf('='); if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1)); }
  const defined = new Map<string, string>(); // pod-spec variables, for $(VAR) expansion
  for (const ef of c.envFrom ?? []) {
    const kind = ef.configMapRef ? 'configmap' : 'secret';
    const ref = ef.configMapRef ?? ef.secretRef;
    if (!ref) continue;
    const o = await fetch(kind, ref.name ?? '');
    if (!o) { if (ref.optional) continue; throw new ConfigError(`${kind} "${ref.name}" not found`); }
    for (const k of Object.keys(o.data ?? {})) {
      const v = valueOf(kind, o, k)!;
      env.set((ef.prefix ?? '') + k, v); defined.set((ef.prefix ?? '') + k, v);
    }
  }
  for (const e of c.env ?? []) {
    let v: string | undefined;
    if (e.value !== undefined) v = expand(e.value, (n) => defined.get(n));
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const kind = e.valueFrom.configMapKeyRef ? 'configmap' : 'secret';
      const ref = (e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef)!;
      const o = await fetch(kind, ref.name ?? '');
      if (!o) { if (ref.optional) continue; throw new ConfigError(`${kind} "${ref.name}" not found`); }
      v = valueOf(kind, o, ref.key);
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ConfigError(kind === 'configmap' ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}` : `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
    } else if (e.valueFrom?.fieldRef) v = fieldPathValue(pod, e.valueFrom.fieldRef.fieldPath, hostIP);
    else if (e.valueFrom?.resourceFieldRef) v = resourceFieldValue(pod, e.valueFrom.resourceFieldRef, c.name);
    else v = '';
    env.set(e.name, v); defined.set(e.name, v);
  }
  return [...env];
}

/** command/args over the image's Entrypoint/Cmd. Upstream: pkg/kubelet/kuberuntime/kuberuntime_container.go, ExpandContainerCommandAndArgs */
export function containerArgv(c: Container, image: { Entrypoint?: string[] | null; Cmd?: string[] | null }, env: Array<[string, string]>): string[] {
  const lookup = (n: string) => { for (let i = env.length - 1; i >= 0; i--) if (env[i]![0] === n) return env[i]![1]; return undefined; };
  const cmd = c.command?.length ? c.command.map((x) => expand(x, lookup)) : (image.Entrypoint ?? []);
  const args = c.args?.length ? c.args.map((x) => expand(x, lookup)) : c.command?.length ? [] : (image.Cmd ?? []);
  return [...cmd, ...args];
}
