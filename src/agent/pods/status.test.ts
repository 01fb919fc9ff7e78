// The pod phase with sidecars, as upstream's getPhase: Pending until a sidecar has first started, Running
// while one runs even if the app is done, and a sidecar restarting later does not make the pod Pending again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPhase } from './status.js';
import type { ContainerState, Instance, PodState } from './state.js';
import type { Pod } from './types.js';

const pod = (restartPolicy: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' },
  spec: { restartPolicy, initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'busybox' }] },
} as Pod);
const inst = { n: 0, containerID: 'c', dir: '/x', sandbox: { bwrapPid: 1, bwrapStart: 1, startedAt: '' }, startedAt: '', imageID: '', image: '', env: [] } as Instance;
const term = { exitCode: 0, reason: 'Completed', startedAt: '', finishedAt: '', containerID: 'c' };
const state = (side: Partial<ContainerState> | undefined, app: Partial<ContainerState> | undefined): PodState => ({
  uid: 'u', namespace: 'default', name: 'p',
  init: side ? { side: { restartCount: 0, ready: false, started: false, ...side } } : {},
  containers: app ? { app: { restartCount: 0, ready: false, started: false, ...app } } : {},
});

test('phase with a sidecar', () => {
  assert.equal(podPhase(pod('Never'), state(undefined, undefined)), 'Pending');
  assert.equal(podPhase(pod('Never'), state({ running: inst, started: false }, undefined)), 'Pending', 'sidecar not started yet');
  assert.equal(podPhase(pod('Never'), state({ running: inst, started: true }, { running: inst, started: true })), 'Running');
  assert.equal(podPhase(pod('Never'), state({ running: inst, started: true }, { lastTerm: term })), 'Running', 'app done, sidecar still running');
  assert.equal(podPhase(pod('Never'), state({ lastTerm: { ...term, exitCode: 143, reason: 'Error' } }, { lastTerm: term })), 'Succeeded', 'app done, sidecar stopped');
  assert.equal(podPhase(pod('Always'), state({ lastTerm: term, waiting: { reason: 'CrashLoopBackOff' } }, { running: inst, started: true })), 'Running', 'a restarting sidecar');
});
