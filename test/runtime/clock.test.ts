import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock, type ClockState } from '../../src/runtime/clock.js';
import { parseDurationMs, parseInstantMs } from '../../src/runtime/duration.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const MIN = 60_000;

/** A clock on a hand-driven wall, so every assertion is exact. */
function manualClock(state?: ClockState): { clock: VirtualClock; wall: { ms: number }; errors: unknown[] } {
  const wall = { ms: T0 };
  const errors: unknown[] = [];
  const clock = new VirtualClock(
    state,
    () => wall.ms,
    (err) => errors.push(err),
  );
  clocks.push(clock);
  return { clock, wall, errors };
}

const clocks: VirtualClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.close();
});

const waitUntil = async (condition: () => boolean, timeoutMs = 2000): Promise<void> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('VirtualClock', () => {
  it('follows wall time with its offset', () => {
    const { clock, wall } = manualClock({ offsetMs: 5 * MIN, frozenAtMs: null });
    expect(clock.nowMs()).toBe(T0 + 5 * MIN);
    wall.ms += 1000;
    expect(clock.now().toISOString()).toBe(new Date(T0 + 5 * MIN + 1000).toISOString());
    expect(clock.frozen).toBe(false);
  });

  it('freezes and unfreezes, resuming from the frozen instant', () => {
    const { clock, wall } = manualClock();
    clock.freeze();
    expect(clock.frozen).toBe(true);
    wall.ms += 10 * MIN;
    expect(clock.nowMs()).toBe(T0);
    clock.unfreeze();
    expect(clock.frozen).toBe(false);
    expect(clock.nowMs()).toBe(T0);
    wall.ms += MIN;
    expect(clock.nowMs()).toBe(T0 + MIN);
    expect(clock.state()).toEqual({ offsetMs: -10 * MIN, frozenAtMs: null });
  });

  it('reports each change of state to its listeners', () => {
    const { clock } = manualClock();
    const seen: ClockState[] = [];
    const stop = clock.onChange((s) => seen.push(s));
    clock.freeze();
    clock.unfreeze();
    stop();
    clock.freeze();
    expect(seen).toEqual([
      { offsetMs: 0, frozenAtMs: T0 },
      { offsetMs: 0, frozenAtMs: null },
    ]);
  });

  it('set forward fires due timers in due order, with now() at each due time', async () => {
    const { clock } = manualClock();
    const fired: Array<[string, number, number]> = [];
    const record = (name: string) => (dueAt: Date) => {
      fired.push([name, dueAt.getTime(), clock.nowMs()]);
    };
    clock.schedule(new Date(T0 + 30 * MIN), record('c'));
    clock.schedule(new Date(T0 + 10 * MIN), record('a'));
    clock.schedule(new Date(T0 + 20 * MIN), record('b'));
    clock.schedule(new Date(T0 + 20 * MIN), record('b2'));
    clock.schedule(new Date(T0 + 90 * MIN), record('later'));
    await clock.set(new Date(T0 + 60 * MIN));
    expect(fired).toEqual([
      ['a', T0 + 10 * MIN, T0 + 10 * MIN],
      ['b', T0 + 20 * MIN, T0 + 20 * MIN],
      ['b2', T0 + 20 * MIN, T0 + 20 * MIN],
      ['c', T0 + 30 * MIN, T0 + 30 * MIN],
    ]);
    expect(clock.nowMs()).toBe(T0 + 60 * MIN);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('fires timers that a firing timer schedules inside the same move', async () => {
    const { clock } = manualClock();
    const fired: number[] = [];
    clock.schedule(new Date(T0 + MIN), () => {
      fired.push(clock.nowMs());
      clock.schedule(new Date(clock.nowMs() + MIN), () => void fired.push(clock.nowMs()));
    });
    await clock.advance(5 * MIN);
    expect(fired).toEqual([T0 + MIN, T0 + 2 * MIN]);
  });

  it('set backward fires nothing', async () => {
    const { clock } = manualClock();
    let fired = 0;
    clock.schedule(new Date(T0 - 30 * MIN), () => void (fired += 1));
    clock.freeze(); // keep the overdue timer from running by itself
    clock.schedule(new Date(T0 + 30 * MIN), () => void (fired += 1));
    await clock.set(new Date(T0 - 60 * MIN));
    expect(clock.nowMs()).toBe(T0 - 60 * MIN);
    expect(fired).toBe(0);
    expect(clock.pendingTimers()).toBe(2);
  });

  it('advance moves forward by the amount and rejects negative or non-finite amounts', async () => {
    const { clock, wall } = manualClock();
    await clock.advance(30 * MIN);
    expect(clock.nowMs()).toBe(T0 + 30 * MIN);
    wall.ms += 1000;
    expect(clock.nowMs()).toBe(T0 + 30 * MIN + 1000); // still following wall time
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError);
    await expect(clock.set(new Date(Number.NaN))).rejects.toThrow(RangeError);
    expect(clock.nowMs()).toBe(T0 + 30 * MIN + 1000);
  });

  it('a frozen clock stays exactly at the target of a move', async () => {
    const { clock, wall } = manualClock();
    clock.freeze();
    await clock.advance(30 * 86_400_000);
    wall.ms += 5000;
    expect(clock.nowMs()).toBe(T0 + 30 * 86_400_000);
    expect(clock.frozen).toBe(true);
  });

  it('cancel removes a timer', async () => {
    const { clock } = manualClock();
    let fired = 0;
    const handle = clock.schedule(new Date(T0 + MIN), () => void (fired += 1));
    expect(handle.dueAt.getTime()).toBe(T0 + MIN);
    handle.cancel();
    handle.cancel(); // twice is harmless
    await clock.advance(10 * MIN);
    expect(fired).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a failing timer is reported and does not stop the others or leave the clock pinned', async () => {
    const { clock, wall, errors } = manualClock();
    const fired: string[] = [];
    clock.schedule(new Date(T0 + MIN), () => {
      throw new Error('boom');
    });
    clock.schedule(new Date(T0 + 2 * MIN), async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
    clock.schedule(new Date(T0 + 3 * MIN), () => void fired.push('ok'));
    await clock.advance(10 * MIN);
    expect(fired).toEqual(['ok']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'async boom']);
    wall.ms += 1000;
    expect(clock.frozen).toBe(false);
    expect(clock.nowMs()).toBe(T0 + 10 * MIN + 1000);
  });

  it('freezing while a timer runs is kept after the move', async () => {
    const { clock } = manualClock();
    clock.schedule(new Date(T0 + MIN), () => clock.freeze());
    await clock.advance(5 * MIN);
    expect(clock.frozen).toBe(true);
    expect(clock.nowMs()).toBe(T0 + 5 * MIN);
  });

  it('reset goes back to wall time without firing anything', async () => {
    const { clock } = manualClock();
    let fired = 0;
    await clock.advance(60 * MIN);
    clock.freeze();
    clock.schedule(new Date(T0 + 90 * MIN), () => void (fired += 1));
    clock.reset();
    expect(clock.state()).toEqual({ offsetMs: 0, frozenAtMs: null });
    expect(clock.nowMs()).toBe(T0);
    expect(fired).toBe(0);
  });

  it('timers fire by themselves in wall time while the clock runs', async () => {
    const clock = new VirtualClock();
    clocks.push(clock);
    const fired: Array<{ name: string; lateMs: number }> = [];
    const start = clock.nowMs();
    for (const [name, delay] of [
      ['b', 80],
      ['a', 40],
      ['past', -1000],
    ] as const) {
      const due = start + delay;
      clock.schedule(new Date(due), () => void fired.push({ name, lateMs: clock.nowMs() - due }));
    }
    await waitUntil(() => fired.length === 3);
    expect(fired.map((f) => f.name)).toEqual(['past', 'a', 'b']);
    for (const f of fired.slice(1)) {
      expect(f.lateMs).toBeGreaterThanOrEqual(0); // never early
      expect(f.lateMs).toBeLessThan(500);
    }
    expect(Math.abs(clock.state().offsetMs)).toBe(0); // firing did not move the clock
  });

  it('timers do not fire by themselves while frozen, except ones already due', async () => {
    const clock = new VirtualClock();
    clocks.push(clock);
    clock.freeze();
    const fired: string[] = [];
    clock.schedule(new Date(clock.nowMs() + 30), () => void fired.push('future'));
    clock.schedule(clock.now(), () => void fired.push('now'));
    await new Promise((r) => setTimeout(r, 120));
    expect(fired).toEqual(['now']);
    await clock.advance(30);
    expect(fired).toEqual(['now', 'future']);
  });

  it('a timer beyond setTimeout’s range does not fire early', async () => {
    // setTimeout caps at 2^31-1 ms (24.8 days): the wall timer wakes before a 40-day timer is due.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { clock, wall } = manualClock();
      let firedAt: number | undefined;
      clock.schedule(new Date(T0 + 40 * 86_400_000), () => void (firedAt = clock.nowMs()));
      const cap = 2 ** 31 - 1;
      wall.ms += cap;
      await vi.advanceTimersByTimeAsync(cap);
      await clock.idle();
      expect(firedAt).toBeUndefined();
      wall.ms = T0 + 40 * 86_400_000;
      await vi.advanceTimersByTimeAsync(40 * 86_400_000 - cap);
      await clock.idle();
      expect(firedAt).toBe(T0 + 40 * 86_400_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('close stops wall timers', async () => {
    const clock = new VirtualClock();
    let fired = false;
    clock.schedule(new Date(clock.nowMs() + 20), () => void (fired = true));
    clock.close();
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toBe(false);
  });
});

describe('durations and instants', () => {
  it.each([
    ['PT30M', 30 * MIN],
    ['P30D', 30 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['PT1H30M', 90 * MIN],
    ['P1DT2H', 26 * 60 * MIN],
    ['PT0.5S', 500],
    ['-PT1M', -MIN],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '30M', 'P1M', 'P1Y', 'PT1X', 'soon', 'P1DT'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it('reads instants as UTC unless zoned, and rejects impossible dates', () => {
    expect(parseInstantMs('2025-01-31T09:00:00Z')).toBe(Date.parse('2025-01-31T09:00:00Z'));
    expect(parseInstantMs('2025-01-31T09:00:00')).toBe(Date.parse('2025-01-31T09:00:00Z'));
    expect(parseInstantMs('2025-01-31T09:00:00.1234567Z')).toBe(Date.parse('2025-01-31T09:00:00.123Z'));
    expect(parseInstantMs('2025-01-31T11:00:00+02:00')).toBe(Date.parse('2025-01-31T09:00:00Z'));
    expect(parseInstantMs('2025-01-31')).toBe(Date.parse('2025-01-31T00:00:00Z'));
    for (const bad of ['2025-02-30T00:00:00Z', '2025-13-01', 'tomorrow', 'March 7 2025', '2025-01-31T25:00:00Z', '']) {
      expect(parseInstantMs(bad), bad).toBeUndefined();
    }
  });
});
