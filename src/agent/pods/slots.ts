// A counting semaphore with a FIFO queue: bounds how many containers one agent starts at once.
// Starting is CPU work on a 2-core machine (a spawn, an overlay mount, namespaces); with hundreds of pods
// arriving together, unbounded starts all progress in lockstep and all finish late, while a bounded FIFO
// finishes the first pods first, so what waits on them (a provisioner's helper pods, a user's rollout)
// moves on sooner. Upstream's kubelet has one goroutine per pod and no such bound; its runtime's work
// happens in other processes (containerd) rather than its own.
export class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try { return await fn(); }
    finally {
      const next = this.waiting.shift();
      if (next) next(); else this.active--;
    }
  }

  get inUse(): number { return this.active; }
  get queued(): number { return this.waiting.length; }
}
