/**
 * Graph's delivery rules for webhooks, as plain functions of their inputs (no I/O, no clock: callers
 * pass `nowMs`, virtual-clock milliseconds).
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 */

/** Receivers must answer within 3 seconds. */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** Graph retries for up to 4 hours, then drops the notification. */
export const RETRY_WINDOW_MS = 4 * 60 * 60_000;
/** Delays before each retry (the exact schedule is undocumented): growing, then every 10 minutes. */
export const BACKOFF_MS: readonly number[] = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000];

/** An answer after this long (or none within the timeout) is slow. */
export const SLOW_RESPONSE_MS = 2_900;
/** Slow-endpoint statistics start afresh this often. */
export const ENDPOINT_WINDOW_MS = 10 * 60_000;
/** How long a flagged endpoint's notifications (and retries) wait. */
export const SLOW_ENDPOINT_DELAY_MS = 10 * 60_000;
/** Below this many notifications in the window an endpoint is never flagged. */
export const MIN_NOTIFICATIONS = 100;
export const DELAY_RATIO = 0.1;
export const DROP_RATIO = 0.15;

export const DROPPED_SLOW_ERROR = 'dropped: the endpoint answered 15 % or more of its notifications after 2.9 s';
export const DELAYED_SLOW_ERROR = 'delayed 10 minutes: the endpoint answered 10 % or more of its notifications after 2.9 s';

/** Why the rules acted, with the endpoint's numbers, for the delivery log and the warn line. */
export function slowEndpointReason(state: Exclude<EndpointState, 'healthy'>, tally: EndpointTally | undefined): string {
  const base = state === 'dropping' ? DROPPED_SLOW_ERROR : DELAYED_SLOW_ERROR;
  const counts = tally === undefined ? '' : ` (${tally.slow} of ${tally.total} in the current 10-minute window)`;
  return `${base}${counts}; Graph's slow-endpoint rule (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks), off with --no-slow-endpoint-rules`;
}

export type EndpointState = 'healthy' | 'delayed' | 'dropping';

/** One endpoint's notifications in the current window, and how many of them were answered slowly. */
export interface EndpointTally {
  total: number;
  slow: number;
}

/** The endpoint a notification URL names: its query string does not make another one. */
export const endpointOf = (url: string): string => url.split('?')[0] ?? url;

/** Was a POST answered slowly? */
export const isSlowAnswer = (durationMs: number, timedOut: boolean): boolean => timedOut || durationMs > SLOW_RESPONSE_MS;

/** Has the statistics window that started at `windowStartMs` ended (or is there none yet)? */
export const windowLapsed = (windowStartMs: number | undefined, nowMs: number): boolean => windowStartMs === undefined || nowMs - windowStartMs >= ENDPOINT_WINDOW_MS || nowMs < windowStartMs;

/** 10 % slow (of at least 100 notifications) delays an endpoint, 15 % drops its notifications. */
export function endpointState(tally: EndpointTally | undefined): EndpointState {
  if (tally === undefined || tally.total < MIN_NOTIFICATIONS) return 'healthy';
  const ratio = tally.slow / tally.total;
  return ratio >= DROP_RATIO ? 'dropping' : ratio >= DELAY_RATIO ? 'delayed' : 'healthy';
}

/** What to do now with one endpoint's due notifications. */
export interface EndpointPlan<T> {
  send: T[];
  /** Delayed until 10 minutes after they were made. */
  delay: Array<{ row: T; untilMs: number }>;
  drop: T[];
}

/** Dropping: all of them; delayed: those younger than 10 minutes wait until they are 10 minutes old. */
export function planEndpoint<T>(state: EndpointState, rows: readonly T[], createdAtMs: (row: T) => number, nowMs: number): EndpointPlan<T> {
  if (state === 'healthy') return { send: [...rows], delay: [], drop: [] };
  if (state === 'dropping') return { send: [], delay: [], drop: [...rows] };
  const plan: EndpointPlan<T> = { send: [], delay: [], drop: [] };
  for (const row of rows) {
    const untilMs = createdAtMs(row) + SLOW_ENDPOINT_DELAY_MS;
    if (untilMs <= nowMs) plan.send.push(row);
    else plan.delay.push({ row, untilMs });
  }
  return plan;
}

export type FailureOutcome = { outcome: 'dropped' } | { outcome: 'retry'; dueAtMs: number };

/**
 * After a failed POST: drop once 4 hours have passed since the notification was first due, else
 * retry after the backoff for this attempt (10 minutes for a flagged endpoint).
 * `attempt` counts the one that just failed, from 1.
 */
export function afterFailure(attempt: number, firstDueAtMs: number, nowMs: number, endpointFlagged: boolean): FailureOutcome {
  if (nowMs - firstDueAtMs >= RETRY_WINDOW_MS) return { outcome: 'dropped' };
  const delay = endpointFlagged ? SLOW_ENDPOINT_DELAY_MS : BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]!;
  return { outcome: 'retry', dueAtMs: nowMs + delay };
}
