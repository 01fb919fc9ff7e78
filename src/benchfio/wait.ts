// Waits for the fio pod to run, and turns "it will never run" into an error within seconds: a PVC's
// ProvisioningFailed at once; FailedScheduling, or a claim still waiting for an external provisioner,
// once the pod has made no progress for `stuckAfterMs`; image and crash errors of the container at once.
import { R } from '../api/gvr.js';
import type { KObject } from '../api/object.js';
import type { Client } from '../client/types.js';

export interface WaitOptions {
  client: Client; namespace: string; pod: string; pvc: string;
  signal?: AbortSignal;
  timeoutMs: number;
  stuckAfterMs: number;
  pollMs?: number;
  progress?: (line: string) => void;
}

const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerError', 'CreateContainerConfigError', 'RunContainerError']);

interface PodView { phase: string; node?: string; ready: boolean; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } }

function view(pod: KObject): PodView {
  const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } } }[] };
  const cs = status.containerStatuses?.[0]?.state;
  return {
    phase: status.phase ?? 'Pending',
    node: (pod.spec as { nodeName?: string } | undefined)?.nodeName,
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    waiting: cs?.waiting, terminated: cs?.terminated,
  };
}

interface EventView { reason: string; type: string; message: string; kind: string; name: string }

async function eventsFor(client: Client, namespace: string, names: Set<string>): Promise<EventView[]> {
  // Filtered here rather than with a field selector, so any API server that lists events will do.
  const list = await client.list(R.events, namespace);
  return list.items.map((e) => {
    const io = (e.involvedObject ?? {}) as { kind?: string; name?: string };
    return { reason: String(e.reason ?? ''), type: String(e.type ?? ''), message: String(e.message ?? ''), kind: io.kind ?? '', name: io.name ?? '' };
  }).filter((e) => names.has(e.name));
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) { reject(signal.reason); return; }
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(signal?.reason); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

/** Resolves with the node the pod runs on once it is Running and Ready. */
export async function waitForPodRunning(o: WaitOptions): Promise<string> {
  const start = Date.now();
  let lastLine = '';
  const say = (line: string) => { if (line !== lastLine) { lastLine = line; o.progress?.(line); } };
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    const pod = view(await o.client.get(R.pods, o.namespace, o.pod));
    if (pod.phase === 'Running' && pod.ready) return pod.node ?? '';
    if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
      throw new Error(`pod ${o.pod} ended before fio ran: phase ${pod.phase}${pod.terminated ? `, ${pod.terminated.reason ?? ''} exit code ${pod.terminated.exitCode ?? '?'}` : ''}`);
    }
    if (pod.waiting?.reason && FATAL_WAITING.has(pod.waiting.reason)) {
      throw new Error(`pod ${o.pod}: ${pod.waiting.reason}${pod.waiting.message ? `: ${pod.waiting.message}` : ''}`);
    }
    const events = await eventsFor(o.client, o.namespace, new Set([o.pod, o.pvc]));
    const failed = events.find((e) => e.reason === 'ProvisioningFailed' && e.type === 'Warning');
    if (failed) throw new Error(`PersistentVolumeClaim ${o.pvc}: ProvisioningFailed: ${failed.message}`);
    const elapsed = Date.now() - start;
    const blocking = events.filter((e) => e.reason === 'FailedScheduling' || e.reason === 'ExternalProvisioning');
    const last = blocking[blocking.length - 1];
    if (last && !pod.node && elapsed >= o.stuckAfterMs) {
      throw new Error(`pod ${o.pod} cannot start after ${Math.round(elapsed / 1000)}s: ${last.reason}: ${last.message}`);
    }
    if (elapsed >= o.timeoutMs) throw new Error(`timed out after ${Math.round(elapsed / 1000)}s waiting for pod ${o.pod} to be Running (phase ${pod.phase}${pod.waiting?.reason ? `, ${pod.waiting.reason}` : ''})`);
    say(`Waiting for pod ${o.pod}: ${pod.phase}${pod.node ? ` on ${pod.node}` : ''}${pod.waiting?.reason ? ` (${pod.waiting.reason})` : ''}${last ? ` - ${last.reason}: ${last.message}` : ''}`);
    await sleep(o.pollMs ?? 250, o.signal);
  }
}
