import { describe, expect, it } from 'vitest';
import { afterFailure, BACKOFF_MS, endpointOf, endpointState, isSlowAnswer, planEndpoint, RETRY_WINDOW_MS, SLOW_ENDPOINT_DELAY_MS, windowLapsed } from '../../src/notifications/deliveryPolicy.js';
import { EndpointHealth } from '../../src/notifications/endpointHealth.js';

/** Graph's webhook delivery rules, without sockets or a store: https://learn.microsoft.com/graph/change-notifications-delivery-webhooks */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('retry schedule', () => {
  it('waits 10 s, 30 s, 1 min, 2 min, 5 min, then every 10 min', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => {
      const next = afterFailure(attempt, T0, T0, false);
      return next.outcome === 'retry' ? next.dueAtMs - T0 : undefined;
    });
    expect(delays).toEqual([10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 10 * MINUTE, 10 * MINUTE]);
    expect(BACKOFF_MS.at(-1)).toBe(10 * MINUTE);
  });

  it('counts from the failure, not from the first attempt', () => {
    const now = T0 + 3 * 60 * MINUTE;
    expect(afterFailure(2, T0, now, false)).toEqual({ outcome: 'retry', dueAtMs: now + 30 * SECOND });
  });

  it('retries a flagged endpoint after 10 minutes whatever the attempt', () => {
    expect(afterFailure(1, T0, T0, true)).toEqual({ outcome: 'retry', dueAtMs: T0 + SLOW_ENDPOINT_DELAY_MS });
  });

  it('drops once 4 hours have passed since the notification was first due, not a millisecond before', () => {
    expect(RETRY_WINDOW_MS).toBe(4 * 60 * MINUTE);
    expect(afterFailure(30, T0, T0 + RETRY_WINDOW_MS - 1, false)).toEqual({ outcome: 'retry', dueAtMs: T0 + RETRY_WINDOW_MS - 1 + 10 * MINUTE });
    expect(afterFailure(30, T0, T0 + RETRY_WINDOW_MS, false)).toEqual({ outcome: 'dropped' });
    expect(afterFailure(30, T0, T0 + RETRY_WINDOW_MS + 1, true)).toEqual({ outcome: 'dropped' });
  });
});

describe('slow answers', () => {
  it('are those after 2.9 s, or none at all', () => {
    expect(isSlowAnswer(2_900, false)).toBe(false);
    expect(isSlowAnswer(2_900.5, false)).toBe(true);
    expect(isSlowAnswer(10, false)).toBe(false);
    expect(isSlowAnswer(10, true)).toBe(true);
  });
});

describe('endpoint state', () => {
  it('stays healthy below 100 notifications, however slow', () => {
    expect(endpointState(undefined)).toBe('healthy');
    expect(endpointState({ total: 99, slow: 99 })).toBe('healthy');
  });

  it('at exactly 100 notifications: 9 slow is healthy, exactly 10 % delays, exactly 15 % drops', () => {
    expect(endpointState({ total: 100, slow: 9 })).toBe('healthy');
    expect(endpointState({ total: 100, slow: 10 })).toBe('delayed');
    expect(endpointState({ total: 100, slow: 14 })).toBe('delayed');
    expect(endpointState({ total: 100, slow: 15 })).toBe('dropping');
    expect(endpointState({ total: 100, slow: 100 })).toBe('dropping');
  });

  it('compares ratios exactly for other totals', () => {
    expect(endpointState({ total: 140, slow: 13 })).toBe('healthy');
    expect(endpointState({ total: 140, slow: 14 })).toBe('delayed');
    expect(endpointState({ total: 140, slow: 20 })).toBe('delayed');
    expect(endpointState({ total: 140, slow: 21 })).toBe('dropping');
  });

  it('is per endpoint: the query string does not make another one', () => {
    expect(endpointOf('https://example.com/hook?tenant=a')).toBe('https://example.com/hook');
    expect(endpointOf('https://example.com/hook')).toBe('https://example.com/hook');
  });
});

describe('statistics window', () => {
  it('lasts 10 minutes of the virtual clock, and starts afresh if the clock goes back', () => {
    expect(windowLapsed(undefined, T0)).toBe(true);
    expect(windowLapsed(T0, T0 + 10 * MINUTE - 1)).toBe(false);
    expect(windowLapsed(T0, T0 + 10 * MINUTE)).toBe(true);
    expect(windowLapsed(T0, T0 - 1)).toBe(true);
  });

  it('EndpointHealth flags an endpoint within a window and forgets it in the next', () => {
    const health = new EndpointHealth();
    const hook = 'https://example.com/hook';
    health.record(hook, 90, false, T0);
    health.record(hook, 10, true, T0 + MINUTE);
    expect(health.state(hook, T0 + 2 * MINUTE)).toBe('delayed');
    expect(health.state('https://example.com/other', T0 + 2 * MINUTE)).toBe('healthy');
    health.record(hook, 5, true, T0 + 3 * MINUTE);
    expect(health.state(hook, T0 + 3 * MINUTE)).toBe('delayed');
    health.record(hook, 3, true, T0 + 4 * MINUTE);
    expect(health.state(hook, T0 + 4 * MINUTE)).toBe('dropping');
    expect(health.state(hook, T0 + 10 * MINUTE)).toBe('healthy');
  });
});

describe('endpoint plan', () => {
  const rows = [{ created: T0 - 11 * MINUTE }, { created: T0 - 10 * MINUTE }, { created: T0 - MINUTE }, { created: T0 }];
  const created = (row: { created: number }): number => row.created;

  it('sends everything for a healthy endpoint', () => {
    expect(planEndpoint('healthy', rows, created, T0)).toEqual({ send: rows, delay: [], drop: [] });
  });

  it('drops everything for a dropping endpoint', () => {
    expect(planEndpoint('dropping', rows, created, T0)).toEqual({ send: [], delay: [], drop: rows });
  });

  it('delays a delayed endpoint’s notifications until they are 10 minutes old', () => {
    expect(planEndpoint('delayed', rows, created, T0)).toEqual({
      send: [rows[0], rows[1]],
      delay: [
        { row: rows[2], untilMs: T0 + 9 * MINUTE },
        { row: rows[3], untilMs: T0 + 10 * MINUTE },
      ],
      drop: [],
    });
  });
});
