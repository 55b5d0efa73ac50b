import { nextCallRecordExpiry, purgeExpiredCallRecords } from '../domain/callRecords.js';
import type { DomainContext } from '../domain/context.js';
import type { TimerHandle } from './clock.js';

const DAY_MS = 86_400_000;

/**
 * The 30-day retention sweep on the virtual clock: deletes records past their expiry, then sleeps
 * until the next expiry (or a day, so records made meanwhile are swept too). Reads already hide
 * expired records by clock time; this only frees their rows.
 */
export function startCallRecordRetention(ctx: DomainContext, onError: (err: unknown) => void): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const sweep = async (): Promise<void> => {
    try {
      await purgeExpiredCallRecords(ctx);
    } catch (err) {
      onError(err);
    }
    if (stopped) return;
    const next = await nextCallRecordExpiry(ctx).catch(() => undefined);
    const now = ctx.clock.nowMs();
    const nextMs = next === undefined ? Number.NaN : Date.parse(next);
    // A record still due (the purge failed) is retried in a minute, never in a tight loop.
    const at = Number.isNaN(nextMs) ? now + DAY_MS : nextMs > now ? Math.min(nextMs, now + DAY_MS) : now + 60_000;
    timer = ctx.clock.schedule(new Date(at), sweep);
  };
  timer = ctx.clock.schedule(ctx.clock.now(), sweep);
  return {
    stop: () => {
      stopped = true;
      timer?.cancel();
    },
  };
}
