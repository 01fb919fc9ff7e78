// Clean shutdown on SIGINT/SIGTERM: run the stop function once, bounded so the process always exits within
// the 10 s DESIGN.md promises even if a component hangs; a second signal exits at once.
export function onShutdown(stop: () => Promise<void>, timeoutMs = 9_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    const timer = setTimeout(() => { process.stderr.write(`stowage: stop timed out after ${signal}\n`); process.exit(1); }, timeoutMs);
    timer.unref();
    stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`stowage: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
