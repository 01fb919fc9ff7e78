// What the agent remembers about each pod across restarts, persisted as JSON under
// <nodeRoot>/var/lib/kubelet/pods/<uid>/agent-state.json (written by rename, so never half-written).
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SandboxState } from '../runtime/sandbox.js';
import type { Credentials } from '../runtime/credentials.js';

export interface Terminated {
  exitCode: number; reason: string; message?: string; signal?: number;
  startedAt: string; finishedAt: string; containerID: string;
}

export interface Instance {
  /** restartCount when it started: names its directory and log file. */
  n: number;
  containerID: string;
  dir: string;
  sandbox: SandboxState;
  startedAt: string;
  imageID: string;
  image: string;
  env: Array<[string, string]>;
  /** The container's user (runAsUser, runAsGroup, supplementary groups): exec runs as it too. */
  user?: Credentials;
  placeholder?: boolean;
}

export interface ContainerState {
  restartCount: number;
  running?: Instance;
  /** The most recent termination: state.terminated, or lastState once restarted. */
  lastTerm?: Terminated;
  waiting?: { reason: string; message?: string };
  backoffMs?: number;
  backoffUntil?: number;
  ready: boolean;
  started: boolean;
  imageID?: string;
}

export interface PodState {
  uid: string; namespace: string; name: string;
  startTime?: string;
  volumesReady?: boolean;
  init: Record<string, ContainerState>;
  containers: Record<string, ContainerState>;
  /** Ephemeral containers (`kubectl debug`): each runs once, never restarted. Absent in older state files. */
  ephemeral?: Record<string, ContainerState>;
  terminal?: 'Succeeded' | 'Failed';
  terminalReason?: string; terminalMessage?: string;
}

export const stateFile = (podDir: string) => path.join(podDir, 'agent-state.json');

export function loadPodState(podDir: string): PodState | undefined {
  try { return JSON.parse(readFileSync(stateFile(podDir), 'utf8')) as PodState; } catch { return undefined; }
}

export async function savePodState(podDir: string, s: PodState): Promise<void> {
  await fsp.mkdir(podDir, { recursive: true });
  const tmp = stateFile(podDir) + '.tmp';
  await fsp.writeFile(tmp, JSON.stringify(s));
  await fsp.rename(tmp, stateFile(podDir));
}

export function newContainerState(): ContainerState { return { restartCount: 0, ready: false, started: false }; }
