// `why`: explains in plain words why a pod, claim or volume is in its state, following the storage graph
// pod → claim → class → volume → node, and ends with the next step a user can take. Reads only the API.
import { R } from '../api/gvr.js';
import type { Client } from '../client/types.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../controllers/pvbinder/types.js';
import { allowedHosts, eventsOf, getOr, lastEvent, nodeBlocker } from './facts.js';

interface Finding { lines: string[]; next?: string }

const KINDS: Record<string, 'pod' | 'pvc' | 'pv' | 'sc' | 'node'> = {
  pod: 'pod', pods: 'pod', po: 'pod',
  pvc: 'pvc', pvcs: 'pvc', persistentvolumeclaim: 'pvc', persistentvolumeclaims: 'pvc',
  pv: 'pv', pvs: 'pv', persistentvolume: 'pv', persistentvolumes: 'pv',
  sc: 'sc', storageclass: 'sc', storageclasses: 'sc',
  node: 'node', nodes: 'node', no: 'node',
};

/** Explains one object; kind as kubectl spells it (pod, pvc, pv, sc, node and their long forms). */
export async function explainObject(client: Client, kind: string, name: string, namespace = 'default'): Promise<string> {
  const k = KINDS[kind.toLowerCase().replace(/\/.*$/, '')];
  if (!k) return `why does not know the kind "${kind}": use pod, pvc, pv, storageclass or node`;
  const f = k === 'pod' ? await explainPod(client, namespace, name)
    : k === 'pvc' ? await explainClaim(client, namespace, name, new Set())
    : k === 'pv' ? await explainVolume(client, name)
    : k === 'sc' ? await explainClass(client, name)
    : await explainNode(client, name);
  return [...f.lines, ...(f.next ? [`Next step: ${f.next}`] : [])].join('\n');
}

async function podsUsingClaim(client: Client, ns: string, claim: string): Promise<Pod[]> {
  const pods = await client.list<Pod>(R.pods, ns);
  return pods.items.filter((p) => p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim));
}

export async function explainPod(client: Client, ns: string, name: string): Promise<Finding> {
  const pod = await getOr<Pod>(client, R.pods, ns, name);
  if (!pod) return { lines: [`pod ${name} does not exist in namespace ${ns}.`], next: `kubectl get pods -n ${ns}` };
  const phase = pod.status?.phase ?? 'Pending';
  const claims = (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  const lines: string[] = [];
  if (pod.metadata.deletionTimestamp) lines.push(`pod ${name} is being deleted.`);
  if (phase === 'Running' || phase === 'Succeeded') {
    lines.push(`pod ${name} is ${phase} on node ${pod.spec.nodeName}.`);
    for (const c of claims) lines.push(...(await explainClaim(client, ns, c, new Set([name]))).lines);
    return { lines };
  }
  if (!pod.spec.nodeName) {
    const evs = await eventsOf(client, ns, 'Pod', name);
    const failed = lastEvent(evs, 'FailedScheduling');
    // Walk the claims first: a storage cause is the most specific explanation.
    for (const c of claims) {
      const claim = await getOr<PersistentVolumeClaim>(client, R.persistentvolumeclaims, ns, c);
      if (!claim) return { lines: [`pod ${name} is Pending because its claim ${c} does not exist.`], next: `create PersistentVolumeClaim ${c} in namespace ${ns} (or fix claimName in the pod)` };
      if (claim.metadata.deletionTimestamp) return { lines: [`pod ${name} is Pending because its claim ${c} is being deleted.`], next: `recreate claim ${c} once it is gone, then the pod` };
      if (claim.status?.phase === 'Bound' && claim.spec.volumeName) {
        const pv = await getOr<PersistentVolume>(client, R.persistentvolumes, undefined, claim.spec.volumeName);
        const hosts = pv ? allowedHosts(pv) : [];
        if (pv && hosts.length) {
          const nodes = await Promise.all(hosts.map((h) => getOr<Node>(client, R.nodes, undefined, h)));
          const blocks = hosts.map((h, i) => nodeBlocker(nodes[i], h));
          if (blocks.every(Boolean)) {
            const only = hosts.length === 1 ? `node ${hosts[0]}, the only node its volume ${pv.metadata.name} may use,` : `the nodes its volume ${pv.metadata.name} may use (${hosts.join(', ')})`;
            const words = hosts.length === 1 ? blocks[0]!.words.replace(`node ${hosts[0]} `, '') : blocks.map((b) => b!.words).join('; ');
            lines.push(`claim ${c} is Bound to volume ${pv.metadata.name}, which lives on ${hosts.join(', ')}.`);
            lines.push(`pod ${name} is Pending because ${only} ${words}.`);
            if (failed) lines.push(`The scheduler says: ${failed.message}`);
            return { lines, next: blocks.map((b) => b!.fix).join('; ') };
          }
        }
        continue;
      }
      const sub = await explainClaim(client, ns, c, new Set([name]));
      lines.push(...sub.lines);
      if (failed) lines.push(`pod ${name} is Pending; the scheduler says: ${failed.message}`);
      else lines.push(`pod ${name} is Pending until claim ${c} can be bound.`);
      return { lines, next: sub.next ?? (failed ? await schedulingAdvice(client, failed.message) : 'wait a moment (kubectl get pod -w)') };
    }
    if (failed) {
      lines.push(`pod ${name} is Pending; the scheduler says: ${failed.message}`);
      return { lines, next: await schedulingAdvice(client, failed.message) };
    }
    lines.push(`pod ${name} is Pending and has not been scheduled yet.`);
    return { lines, next: 'wait a moment, or check that the scheduler runs (kubectl get events)' };
  }
  // Scheduled, not running: the node side.
  const evs = await eventsOf(client, ns, 'Pod', name);
  const waiting = pod.status?.containerStatuses?.map((s) => s.state?.waiting).find((w) => w?.reason);
  const warn = lastEvent(evs, 'FailedMount', 'FailedAttachVolume', 'Failed', 'BackOff', 'ErrImagePull');
  lines.push(`pod ${name} is ${phase} on node ${pod.spec.nodeName}${waiting ? ` (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})` : ''}.`);
  if (warn) lines.push(`Last warning: ${warn.reason}: ${warn.message}`);
  return { lines, next: warn ? `kubectl describe pod ${name} -n ${ns}` : 'wait for the containers to start (kubectl get pod -w)' };
}

async function schedulingAdvice(client: Client, msg: string): Promise<string> {
  if (msg.includes('were unschedulable')) {
    const cordoned = (await client.list<Node>(R.nodes, undefined)).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata.name);
    return cordoned.length ? cordoned.map((n) => `kubectl uncordon ${n}`).join('; ') : 'kubectl uncordon the cordoned node(s)';
  }
  if (msg.includes('untolerated taint')) return 'add a toleration to the pod or remove the taint (kubectl describe nodes)';
  if (msg.includes("didn't match Pod's node affinity/selector")) return 'fix the pod\'s nodeSelector/affinity or label a node to match';
  if (msg.includes('Insufficient')) return 'lower the pod\'s resource requests or add capacity';
  return 'read the message above and kubectl describe nodes';
}

export async function explainClaim(client: Client, ns: string, name: string, seenPods: Set<string>): Promise<Finding> {
  const claim = await getOr<PersistentVolumeClaim>(client, R.persistentvolumeclaims, ns, name);
  if (!claim) return { lines: [`claim ${name} does not exist in namespace ${ns}.`], next: `kubectl get pvc -n ${ns}` };
  const cls = claim.spec.storageClassName ?? '';
  const phase = claim.status?.phase ?? 'Pending';
  const evs = await eventsOf(client, ns, 'PersistentVolumeClaim', name);
  if (claim.metadata.deletionTimestamp) {
    const users = (await podsUsingClaim(client, ns, name)).filter((p) => p.spec.nodeName);
    if (users.length && claim.metadata.finalizers?.includes('kubernetes.io/pvc-protection')) {
      return { lines: [`claim ${name} is Terminating: pods ${users.map((p) => p.metadata.name).join(', ')} still use it (kubernetes.io/pvc-protection).`], next: `delete those pods: kubectl delete pod -n ${ns} ${users.map((p) => p.metadata.name).join(' ')}` };
    }
    return { lines: [`claim ${name} is Terminating and will be gone in a moment.`] };
  }
  if (phase === 'Bound') {
    const pv = await getOr<PersistentVolume>(client, R.persistentvolumes, undefined, claim.spec.volumeName!);
    const hosts = pv ? allowedHosts(pv) : [];
    return { lines: [`claim ${name} is Bound to volume ${claim.spec.volumeName} (${claim.status?.capacity?.storage ?? '?'}, ${(claim.status?.accessModes ?? []).join(',')}${cls ? `, class ${cls}` : ''})${hosts.length ? ` on node ${hosts.join(', ')}` : ''}.`] };
  }
  if (phase === 'Lost') {
    const ev = lastEvent(evs, 'ClaimLost', 'ClaimMisbound');
    return { lines: [`claim ${name} is Lost: ${ev?.message ?? `its volume ${claim.spec.volumeName ?? ''} is gone or bound to another claim`}`], next: `recreate volume ${claim.spec.volumeName} with claimRef uid ${claim.metadata.uid}, or delete and recreate the claim` };
  }
  // Pending.
  if (claim.spec.volumeName) {
    const pv = await getOr<PersistentVolume>(client, R.persistentvolumes, undefined, claim.spec.volumeName);
    const mismatch = lastEvent(evs, 'VolumeMismatch', 'FailedBinding');
    if (!pv) return { lines: [`claim ${name} is Pending: it names volume ${claim.spec.volumeName}, which does not exist.`], next: `create PersistentVolume ${claim.spec.volumeName}` };
    return { lines: [`claim ${name} is Pending: it names volume ${pv.metadata.name}${mismatch ? `, but ${mismatch.message}` : ''}.`], next: mismatch ? 'make the claim and the volume agree on size, class, volumeMode and access modes' : 'wait a moment for the binder' };
  }
  if (cls === '') {
    return { lines: [`claim ${name} is Pending: it has storageClassName "" so only a pre-made volume without class can satisfy it, and none that is Available matches ${claim.spec.resources?.requests?.storage ?? 'its size'} ${(claim.spec.accessModes ?? []).join(',')}${claim.spec.selector ? ' and its selector' : ''}.`], next: `create a PersistentVolume with at least ${claim.spec.resources?.requests?.storage ?? 'that size'}, access modes ${(claim.spec.accessModes ?? []).join(',')} and no storageClassName` };
  }
  const sc = await getOr<StorageClass>(client, R.storageclasses, undefined, cls);
  if (!sc) {
    return { lines: [`claim ${name} is Pending: its StorageClass ${cls} does not exist (storageclass.storage.k8s.io "${cls}" not found).`], next: `create StorageClass ${cls}, or recreate the claim with an existing class (kubectl get storageclass)` };
  }
  const selected = claim.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selected) {
    const users = await podsUsingClaim(client, ns, name);
    const pods = users.filter((p) => !seenPods.has(p.metadata.name!));
    if (users.length === 0) {
      return { lines: [`claim ${name} waits for its first consumer: class ${cls} binds only once a pod that uses the claim is scheduled (WaitForFirstConsumer), and no pod uses it yet.`], next: `create a pod that mounts claim ${name}` };
    }
    if (pods.length === 0) {
      return { lines: [`claim ${name} waits for its first consumer, pod ${users[0]!.metadata.name}, to be scheduled (class ${cls} is WaitForFirstConsumer).`] };
    }
    const p = pods[0]!;
    const sub = await explainPod(client, ns, p.metadata.name!);
    return { lines: [`claim ${name} waits for its first consumer; pod ${p.metadata.name} uses it.`, ...sub.lines], next: sub.next };
  }
  const failed = lastEvent(evs, 'ProvisioningFailed');
  if (sc.provisioner === 'kubernetes.io/no-provisioner') {
    return { lines: [`claim ${name} is Pending: class ${cls} has no provisioner, so a pre-made volume of class ${cls} with at least ${claim.spec.resources?.requests?.storage ?? 'that size'} must exist${selected ? ` on node ${selected}` : ''}.`], next: `create a PersistentVolume with storageClassName ${cls}` };
  }
  if (failed) {
    return { lines: [`claim ${name} is Pending: provisioning by ${sc.provisioner} failed: ${failed.message}`], next: 'fix the cause above; the provisioner retries by itself' };
  }
  return { lines: [`claim ${name} is Pending: ${sc.provisioner} is creating its volume${selected ? ` on node ${selected}` : ''}.`], next: 'wait a moment (kubectl get pvc -w)' };
}

export async function explainVolume(client: Client, name: string): Promise<Finding> {
  const pv = await getOr<PersistentVolume>(client, R.persistentvolumes, undefined, name);
  if (!pv) return { lines: [`volume ${name} does not exist.`], next: 'kubectl get pv' };
  const phase = pv.status?.phase ?? 'Pending';
  const ref = pv.spec.claimRef;
  const hosts = allowedHosts(pv);
  const where = hosts.length ? ` on node ${hosts.join(', ')}` : '';
  switch (phase) {
    case 'Bound':
      return { lines: [`volume ${name}${where} is Bound to claim ${ref?.namespace}/${ref?.name}.`] };
    case 'Available':
      return { lines: [`volume ${name}${where} is Available to claims of class "${pv.spec.storageClassName ?? ''}" asking for at most ${pv.spec.capacity?.storage} with modes within ${(pv.spec.accessModes ?? []).join(',')}${ref ? `; it is reserved for claim ${ref.namespace}/${ref.name}` : ''}.`] };
    case 'Released':
      return {
        lines: [`volume ${name}${where} is Released: its claim ${ref?.namespace}/${ref?.name} was deleted and reclaim policy ${pv.spec.persistentVolumeReclaimPolicy} keeps the data; it will not bind again while spec.claimRef is set.`],
        next: `to reuse it: kubectl patch pv ${name} --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'`,
      };
    case 'Failed':
      return { lines: [`volume ${name}${where} Failed: ${pv.status?.message ?? 'reclaim failed'}.`], next: `clean it up by hand and kubectl delete pv ${name}` };
    default:
      return { lines: [`volume ${name} is ${phase}: the binder has not looked at it yet.`], next: 'wait a moment' };
  }
}

async function explainClass(client: Client, name: string): Promise<Finding> {
  const sc = await getOr<StorageClass>(client, R.storageclasses, undefined, name);
  if (!sc) return { lines: [`StorageClass ${name} does not exist.`], next: 'kubectl get storageclass' };
  const isDefault = sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
  return { lines: [`StorageClass ${name}${isDefault ? ' (default)' : ''} provisions with ${sc.provisioner}, binds ${sc.volumeBindingMode === 'WaitForFirstConsumer' ? 'when the first pod using a claim is scheduled' : 'immediately'}, and ${sc.reclaimPolicy === 'Retain' ? 'keeps' : 'deletes'} volumes when their claim goes.`] };
}

async function explainNode(client: Client, name: string): Promise<Finding> {
  const node = await getOr<Node>(client, R.nodes, undefined, name);
  const b = nodeBlocker(node, name);
  if (b) return { lines: [`${b.words}: new pods cannot go there.`], next: b.fix };
  return { lines: [`node ${name} is Ready and schedulable.`] };
}
