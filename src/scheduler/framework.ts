// The scheduling framework: typed Status results, one interface per extension point, and the FitError
// message kube-scheduler prints. Plugins say "no" with a Status, never by throwing.
// Upstream: pkg/scheduler/framework/interface.go, types.go (FitError), cycle_state.go
import type { Node, Pod } from '../util/types.js';
import type { NodeInfo, SchedulerCache } from './cache.js';

export enum Code { Success = 0, Error = 1, Unschedulable = 2, UnschedulableAndUnresolvable = 3, Wait = 4, Skip = 5 }

export class Status {
  constructor(readonly code: Code, readonly reasons: string[] = [], readonly plugin = '') {}
  static ok(): Status { return OK; }
  static skip(): Status { return SKIP; }
  static unschedulable(...reasons: string[]): Status { return new Status(Code.Unschedulable, reasons); }
  static unresolvable(...reasons: string[]): Status { return new Status(Code.UnschedulableAndUnresolvable, reasons); }
  static error(msg: string): Status { return new Status(Code.Error, [msg]); }
  get isSuccess(): boolean { return this.code === Code.Success; }
  get isSkip(): boolean { return this.code === Code.Skip; }
  get isRejected(): boolean { return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable; }
  /** The status message: reasons joined by ", " (Status.Message). */
  get message(): string { return this.reasons.join(', '); }
  withPlugin(plugin: string): Status { return new Status(this.code, this.reasons, plugin); }
}
const OK = new Status(Code.Success);
const SKIP = new Status(Code.Skip);

/** Per-cycle scratch space plugins share between their extension points (CycleState). */
export class CycleState {
  private data = new Map<string, unknown>();
  read<T>(key: string): T | undefined { return this.data.get(key) as T | undefined; }
  write(key: string, v: unknown): void { this.data.set(key, v); }
}

export interface PluginContext { cache: SchedulerCache }

export interface Plugin { readonly name: string }
export interface PreFilterPlugin extends Plugin { preFilter(state: CycleState, pod: Pod, ctx: PluginContext): Status }
export interface FilterPlugin extends Plugin { filter(state: CycleState, pod: Pod, node: NodeInfo, ctx: PluginContext): Status }
/** Score in [0, 100]; higher is better. */
export interface ScorePlugin extends Plugin { readonly weight: number; score(state: CycleState, pod: Pod, node: NodeInfo, ctx: PluginContext): number }
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string, ctx: PluginContext): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string, ctx: PluginContext): void;
}
export interface PreBindPlugin extends Plugin { preBind(state: CycleState, pod: Pod, nodeName: string, ctx: PluginContext): Promise<Status> }

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isPreBind = (p: Plugin): p is PreBindPlugin => typeof (p as PreBindPlugin).preBind === 'function';

/** Why a pod fits no node: the PreFilter rejection, or each node's status from its first failing filter. */
export interface Diagnosis {
  numAllNodes: number;
  preFilterMsg?: string;
  /** node name -> status (only rejected nodes). */
  nodeToStatus: Map<string, Status>;
  postFilterMsg?: string;
}

/** "<count> <reason>" per distinct reason, sorted as strings. Upstream: framework/types.go sortReasonsHistogram */
export function reasonsHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const st of statuses) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

/** FitError.Error(). Upstream: pkg/scheduler/framework/types.go */
export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const hist = reasonsHistogram(d.nodeToStatus.values());
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}

/**
 * DefaultPreemption's PostFilter message when no candidate exists. Stowage runs pods at equal priority, so
 * no node ever has victims: nodes rejected as unresolvable are "not helpful", the rest have no victims.
 * Upstream: framework/preemption/preemption.go findCandidates, plugins/defaultpreemption
 */
export function preemptionMessage(d: Diagnosis, allNodes: string[], pod: Pod): string {
  if ((pod.spec as { preemptionPolicy?: string }).preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never';
  const statuses: Status[] = [];
  for (const n of allNodes) {
    const st = d.preFilterMsg !== undefined ? undefined : d.nodeToStatus.get(n);
    const unresolvable = d.preFilterMsg !== undefined || !st || st.code === Code.UnschedulableAndUnresolvable;
    statuses.push(new Status(Code.Unschedulable, [unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod']));
  }
  return `preemption: 0/${allNodes.length} nodes are available: ${reasonsHistogram(statuses).join(', ')}`;
}

export type { Node };
