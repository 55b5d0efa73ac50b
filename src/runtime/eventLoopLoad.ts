import { performance } from 'node:perf_hooks';

/**
 * Whether the event loop is saturated: busy at least SATURATED_UTILIZATION of the last
 * UTILIZATION_WINDOW_MS. Work that can wait or be skipped asks first: the notification dispatcher
 * then lingers before a round (notifications/dispatcher.ts), and a delta round's next page is not read
 * ahead (graph/artifacts/pageReadAhead.ts): flat out, every such piece is CPU taken from the requests.
 */
export const SATURATED_UTILIZATION = 0.9;
export const UTILIZATION_WINDOW_MS = 500;

/** The current window must be this long before its own utilization counts too. */
export const PARTIAL_WINDOW_MS = 20;

/** Cumulative milliseconds the loop spent idle and active, as `performance.eventLoopUtilization()` gives them. */
export interface LoopTimes {
  idle: number;
  active: number;
}

/** Where the readings come from: the process's own loop unless a test supplies them. */
export interface LoopReadings {
  times(): LoopTimes;
  now(): number;
}

const processLoop: LoopReadings = { times: () => performance.eventLoopUtilization(), now: () => performance.now() };

/**
 * Event-loop utilization over consecutive windows of at least UTILIZATION_WINDOW_MS. Saturated: the
 * last complete window was, and so far the current one is too; so the linger stops within tens of
 * milliseconds of the load dropping, not a window later (a paced load right after a burst).
 */
export class EventLoopLoad {
  private base: LoopTimes;
  private baseAt: number;
  private lastSaturated = false;

  constructor(private readonly readings: LoopReadings = processLoop) {
    this.base = readings.times();
    this.baseAt = readings.now();
  }

  check(): boolean {
    const at = this.readings.now();
    const elapsed = at - this.baseAt;
    if (elapsed < PARTIAL_WINDOW_MS) return this.lastSaturated;
    const current = this.readings.times();
    const active = current.active - this.base.active;
    const total = active + (current.idle - this.base.idle);
    const saturated = total > 0 && active / total >= SATURATED_UTILIZATION;
    if (elapsed < UTILIZATION_WINDOW_MS) return this.lastSaturated && saturated;
    this.lastSaturated = saturated;
    this.base = current;
    this.baseAt = at;
    return saturated;
  }
}
