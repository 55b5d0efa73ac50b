import { describe, expect, it } from 'vitest';
import { nextLifecycleCheck } from '../../src/domain/subscriptions.js';

const MIN = 60_000;
const H = 60 * MIN;

/** The reauthorizationRequired cadence (change-notifications-lifecycle-events.md): T = (expiry − now)/4. */
describe('nextLifecycleCheck', () => {
  const expiry = 72 * H;

  it('starts 12 hours before expiry for a long subscription, no sooner than 15 minutes after creation', () => {
    expect(nextLifecycleCheck(0, expiry, false)).toBe(expiry - 12 * H);
    expect(nextLifecycleCheck(0, 3 * H, false)).toBe(15 * MIN);
    expect(nextLifecycleCheck(0, 10 * MIN, false)).toBe(10 * MIN);
  });

  it('while 60 < T ≤ 180 minutes, the next reminder comes after T/2', () => {
    const now = expiry - 12 * H; // T = 180 min
    expect(nextLifecycleCheck(now, expiry, true)).toBe(now + 90 * MIN);
    const later = expiry - 8 * H; // T = 120 min
    expect(nextLifecycleCheck(later, expiry, true)).toBe(later + 60 * MIN);
  });

  it('below 60 minutes of T, every 15 minutes, never past expiry; at or after expiry, the expiry', () => {
    const now = expiry - 3 * H; // T = 45 min
    expect(nextLifecycleCheck(now, expiry, true)).toBe(now + 15 * MIN);
    expect(nextLifecycleCheck(expiry - 10 * MIN, expiry, true)).toBe(expiry);
    expect(nextLifecycleCheck(expiry + H, expiry, true)).toBe(expiry);
  });

  it('a long way from expiry (T > 180 minutes) waits for the 12-hour mark', () => {
    expect(nextLifecycleCheck(0, expiry, true)).toBe(expiry - 12 * H);
  });
});
