// The agent's conversation with the API server, without sandboxes (simulated pods): which pods it watches
// (fieldSelector spec.nodeName, the 400 fallback) and its node status loop (Ready=Unknown set by the node
// lifecycle controller while the agent is alive is put back to True).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { R, type GVR } from '../api/gvr.js';
import { badRequest, internal } from '../api/errors.js';
import type { KObject } from '../api/object.js';
import { createApiServer } from '../apiserver/index.js';
import { createMemoryDatastore } from '../datastore/index.js';
import type { Client, ListOptions, WatchOptions } from '../client/types.js';
import { startNodeAgent, type NodeAgent } from './index.js';
import { nodeStatusChanged } from './node.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

type Call = { verb: 'list' | 'watch'; resource: string; opts?: ListOptions | WatchOptions };

/** The API server's in-process client, recording list/watch calls and optionally failing some lists. */
async function apiWithRecorder(failList?: (gvr: GVR, opts?: ListOptions) => Error | undefined) {
  const server = createApiServer({ datastore: createMemoryDatastore(), kubeletToken: 'k' });
  await server.ready();
  const inner = server.client();
  const calls: Call[] = [];
  const client: Client = new Proxy(inner, {
    get(target, prop, recv) {
      if (prop === 'list') {
        return (gvr: GVR, ns: string | undefined, opts?: ListOptions) => {
          calls.push({ verb: 'list', resource: gvr.resource, opts });
          const err = failList?.(gvr, opts);
          return err ? Promise.reject(err) : inner.list(gvr, ns, opts);
        };
      }
      if (prop === 'watch') {
        return (gvr: GVR, ns: string | undefined, opts: WatchOptions, on: never) => { calls.push({ verb: 'watch', resource: gvr.resource, opts }); return inner.watch(gvr, ns, opts, on); };
      }
      return Reflect.get(target, prop, recv) as unknown;
    },
  });
  return { server, client, calls };
}

async function agentOn(client: Client, nodeName: string, more: { nodeStatusUpdateMs?: number } = {}): Promise<NodeAgent> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stowage-agent-api-'));
  dirs.push(dir);
  return startNodeAgent({ client, nodeName, nodeRoot: path.join(dir, 'node'), imageDir: path.join(dir, 'images'), kubeletToken: 'k', simulate: true, ...more });
}

const podOn = (name: string, nodeName: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] } });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const phaseOf = async (c: Client, name: string) => (await c.get<KObject & { status?: { phase?: string } }>(R.pods, 'default', name)).status?.phase;
/** Whether a kubelet has reported on the pod (the API server alone only sets phase Pending). */
const reported = async (c: Client, name: string) => (await c.get<KObject & { status?: { startTime?: string } }>(R.pods, 'default', name)).status?.startTime !== undefined;

test("the agent's pod informer lists and watches with fieldSelector spec.nodeName=<node>", async () => {
  const { server, client, calls } = await apiWithRecorder();
  const agent = await agentOn(client, 'n1');
  try {
    const podCalls = calls.filter((c) => c.resource === 'pods');
    assert.deepEqual(podCalls.map((c) => [c.verb, c.opts?.fieldSelector]), [['list', 'spec.nodeName=n1'], ['watch', 'spec.nodeName=n1']]);
    await client.create(R.pods, 'default', podOn('mine', 'n1'));
    await client.create(R.pods, 'default', podOn('theirs', 'n2'));
    await waitFor('mine Running', async () => (await phaseOf(client, 'mine')) === 'Running');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await reported(client, 'mine'), true);
    assert.equal(await reported(client, 'theirs'), false, 'a pod of another node is not run');
  } finally { await agent.stop(); await server.close(); }
});

test('a 400 for the spec.nodeName selector falls back to all pods filtered locally; other errors fail the start', async () => {
  const rejectSelector = (gvr: GVR, o?: ListOptions) => (gvr.resource === 'pods' && o?.fieldSelector ? badRequest('field label not supported: spec.nodeName') : undefined);
  const { server, client, calls } = await apiWithRecorder(rejectSelector);
  const agent = await agentOn(client, 'n1');
  try {
    const podCalls = calls.filter((c) => c.resource === 'pods');
    assert.deepEqual(podCalls.map((c) => [c.verb, c.opts?.fieldSelector]), [['list', 'spec.nodeName=n1'], ['list', undefined], ['watch', undefined]]);
    await client.create(R.pods, 'default', podOn('mine', 'n1'));
    await client.create(R.pods, 'default', podOn('theirs', 'n2'));
    await waitFor('mine Running', async () => (await phaseOf(client, 'mine')) === 'Running');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await reported(client, 'theirs'), false);
  } finally { await agent.stop(); await server.close(); }

  const broken = await apiWithRecorder((gvr) => (gvr.resource === 'pods' ? internal('etcd is down') : undefined));
  try {
    await assert.rejects(agentOn(broken.client, 'n1'), /etcd is down/);
    assert.equal(broken.calls.filter((c) => c.resource === 'pods' && c.verb === 'list').length, 1, 'no fallback for a 500');
  } finally { await broken.server.close(); }
});

type Cond = { type: string; status: string; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string };

test('Ready=Unknown written by the node lifecycle controller is put back to True with a fresh heartbeat', async () => {
  const { server, client } = await apiWithRecorder();
  const agent = await agentOn(client, 'n1', { nodeStatusUpdateMs: 100 });
  try {
    const ready = async () => (await client.get<KObject & { status: { conditions: Cond[] } }>(R.nodes, undefined, 'n1')).status.conditions.find((c) => c.type === 'Ready')!;
    await new Promise((r) => setTimeout(r, 1100)); // heartbeat times have second precision
    const before = await ready();
    assert.equal(before.status, 'True');
    // What pkg/controller/nodelifecycle writes when the lease looks stale.
    const node = await client.get<KObject & { status: { conditions: Cond[] } }>(R.nodes, undefined, 'n1');
    const conditions = node.status.conditions.map((c) => ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }));
    await client.patch(R.nodes, undefined, 'n1', 'merge', { status: { conditions } }, { subresource: 'status' });
    assert.equal((await ready()).status, 'Unknown');
    const after = await waitFor('Ready=True again', async () => { const r = await ready(); return r.status === 'True' && r; });
    assert.deepEqual([after.reason, after.message], ['KubeletReady', 'kubelet is posting ready status']);
    assert.ok(after.lastHeartbeatTime > before.lastHeartbeatTime, `${after.lastHeartbeatTime} > ${before.lastHeartbeatTime}`);
  } finally { await agent.stop(); await server.close(); }
});

test('nodeStatusChanged ignores heartbeat times and sees condition, address and endpoint changes', () => {
  const cond = (status: string, t: string) => ({ type: 'Ready', status, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t });
  const base = { conditions: [cond('True', '2026-01-01T00:00:00Z')], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } };
  assert.equal(nodeStatusChanged(base, { ...base, conditions: [cond('True', '2026-01-01T00:05:00Z')] }), false);
  assert.equal(nodeStatusChanged(base, { ...base, conditions: [cond('Unknown', '2026-01-01T00:00:00Z')] }), true);
  assert.equal(nodeStatusChanged(base, { ...base, daemonEndpoints: { kubeletEndpoint: { Port: 2 } } }), true);
  assert.equal(nodeStatusChanged(undefined, base), true);
});
