import { nextCallRecordExpiry, purgeExpiredCallRecords } from '../domain/callRecords.js';
import type { DomainContext } from '../domain/context.js';
import type { TimerHandle } from '../runtime/clock.js';

/** While the clock follows wall time, records made since the last sweep are looked at this often. */
const WALL_INTERVAL_MS = 10 * 60_000;

/**
 * The 30-day retention sweep: deletes records past their expiry. Reads already hide expired records
 * by clock time, so this only frees their rows. It runs after every move of the virtual clock, at the
 * next known expiry (a clock timer, so advancing fires it in order), and every ten minutes of wall
 * time for records made meanwhile. It never chains timers across empty time: a jump of centuries
 * costs one sweep, not one per day.
 */
export function startCallRecordRetention(ctx: DomainContext, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const sweepOnce = async (): Promise<void> => {
    await purgeExpiredCallRecords(ctx);
    const next = await nextCallRecordExpiry(ctx);
    timer?.cancel();
    timer = undefined;
    const nextMs = next === undefined ? Number.NaN : Date.parse(next);
    if (!stopped && nextMs > ctx.clock.nowMs())
      timer = ctx.clock.schedule(new Date(nextMs), () => sweep(), {
        kind: 'callRecordRetention',
        description: 'A call record reaches the end of its 30-day retention and is deleted.',
        subjectId: null,
      });
  };

  const sweep = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await sweepOnce();
        } while (again && !stopped);
      } catch (err) {
        onError(err);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const unsubscribe = ctx.clock.onChange(() => void sweep());
  const interval = setInterval(() => void sweep(), WALL_INTERVAL_MS);
  interval.unref();
  void sweep();
  return {
    stop: () => {
      stopped = true;
      unsubscribe();
      clearInterval(interval);
      timer?.cancel();
      // Let a sweep under way finish before the store closes.
      return running ?? Promise.resolve();
    },
  };
}
