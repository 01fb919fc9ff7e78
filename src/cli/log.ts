// Component logs go to DIR/stowage.log as JSON lines (pino); the terminal only gets the progress lines `up`
// prints itself, so a user sees what a cluster is doing without the noise.
import { pino, type Logger } from 'pino';

export type LogFn = (msg: string, extra?: object) => void;

export function fileLogger(path: string, level = process.env.STOWAGE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination({ dest: path, mkdir: true, sync: false }));
}

/** The `log` callback every component takes, bound to one component name. */
export function componentLog(logger: Logger, component: string): LogFn {
  const child = logger.child({ component });
  return (msg, extra) => child.info(extra ?? {}, msg);
}
