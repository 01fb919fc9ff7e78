// The scheduling queue: active pods in arrival order, and unschedulable pods parked until something in the
// cluster changes (a node, volume, claim, class or pod event moves them all back) or a periodic flush.
// Upstream: pkg/scheduler/backend/queue/scheduling_queue.go (activeQ, unschedulablePods, MoveAllToActiveOrBackoffQueue)
export class SchedulingQueue {
  private active = new Set<string>();
  private unschedulable = new Set<string>();
  private waiters: Array<() => void> = [];
  private closed = false;
  private flushTimer?: NodeJS.Timeout;

  constructor(flushMs = 10_000) {
    this.flushTimer = setInterval(() => this.moveAllToActive(), flushMs);
    this.flushTimer.unref?.();
  }
  add(key: string): void {
    if (this.closed) return;
    this.unschedulable.delete(key);
    this.active.add(key);
    this.waiters.shift()?.();
  }
  /** Parks a pod that fit no node; a move puts it back. */
  addUnschedulable(key: string): void { if (!this.active.has(key)) this.unschedulable.add(key); }
  delete(key: string): void { this.active.delete(key); this.unschedulable.delete(key); }
  moveAllToActive(): void {
    if (this.unschedulable.size === 0) return;
    for (const k of this.unschedulable) this.active.add(k);
    this.unschedulable.clear();
    for (const w of this.waiters.splice(0)) w();
  }
  get pending(): number { return this.active.size + this.unschedulable.size; }
  /** Next pod key in arrival order; undefined once closed. */
  async pop(): Promise<string | undefined> {
    while (this.active.size === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const k = this.active.values().next().value as string;
    this.active.delete(k);
    return k;
  }
  close(): void {
    this.closed = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    for (const w of this.waiters.splice(0)) w();
  }
}
