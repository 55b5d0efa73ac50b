/** The part of a pino logger the background error log needs. */
export interface ErrorLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

const REPEAT_WINDOW_MS = 60_000;

/**
 * A reporter for failures of background loops (notification dispatch polls several times a second):
 * a failure is logged with its stack once; the same failure again within a minute is only counted,
 * and the count goes with its next report. A store that stopped taking writes thus yields one line a
 * minute instead of a stack trace per poll.
 */
export function backgroundErrorReporter(logger: () => ErrorLogger | undefined, now: () => number = Date.now): (what: string, err: unknown) => void {
  const last = new Map<string, { at: number; repeats: number }>();
  return (what, err) => {
    const key = `${what}\u0000${err instanceof Error ? err.message : String(err)}`;
    const at = now();
    const seen = last.get(key);
    if (seen !== undefined && at - seen.at < REPEAT_WINDOW_MS) {
      seen.repeats += 1;
      return;
    }
    if (last.size >= 100) last.clear(); // messages naming ids never repeat: do not keep them forever
    last.set(key, { at, repeats: 0 });
    logger()?.error({ err, ...(seen !== undefined && seen.repeats > 0 ? { repeatedSinceLastReport: seen.repeats } : {}) }, what);
  };
}
