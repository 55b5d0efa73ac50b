import { describe, expect, it } from 'vitest';
import { EventLoopLoad, PARTIAL_WINDOW_MS, UTILIZATION_WINDOW_MS, type LoopReadings } from '../../src/runtime/eventLoopLoad.js';

/**
 * The saturation test the dispatcher lingers on (src/runtime/eventLoopLoad.ts), on readings the test sets: a
 * saturated loop lingers, a light one never does. The integration test (saturatedLinger.test.ts)
 * shows the linger's effect on a real loop; this one pins the decision without timing anything.
 */
class Readings implements LoopReadings {
  at = 0;
  idle = 0;
  active = 0;
  times() {
    return { idle: this.idle, active: this.active };
  }
  now() {
    return this.at;
  }
  /** `ms` pass with the loop busy `busyShare` of them. */
  pass(ms: number, busyShare: number): void {
    this.at += ms;
    this.active += ms * busyShare;
    this.idle += ms * (1 - busyShare);
  }
}

describe('EventLoopLoad', () => {
  it('a light loop (50% busy) is never saturated, window after window', () => {
    const readings = new Readings();
    const load = new EventLoopLoad(readings);
    for (let i = 0; i < 40; i++) {
      readings.pass(100, 0.5);
      expect(load.check()).toBe(false);
    }
  });

  it('a loop busy 95% of a whole window is saturated, and stays so while the next window is busy too', () => {
    const readings = new Readings();
    const load = new EventLoopLoad(readings);
    readings.pass(UTILIZATION_WINDOW_MS, 0.95);
    expect(load.check()).toBe(true);
    readings.pass(PARTIAL_WINDOW_MS * 2, 0.99);
    expect(load.check()).toBe(true);
  });

  it('the linger stops as soon as the current window turns light, not a window later', () => {
    const readings = new Readings();
    const load = new EventLoopLoad(readings);
    readings.pass(UTILIZATION_WINDOW_MS, 1);
    expect(load.check()).toBe(true);
    readings.pass(PARTIAL_WINDOW_MS * 2, 0.2);
    expect(load.check()).toBe(false);
  });

  it('a saturated window only counts once complete: a busy first instant is not saturation', () => {
    const readings = new Readings();
    const load = new EventLoopLoad(readings);
    readings.pass(PARTIAL_WINDOW_MS * 2, 1);
    expect(load.check()).toBe(false);
  });

  it('no time on the loop at all (two readings at once) is not saturation', () => {
    const readings = new Readings();
    const load = new EventLoopLoad(readings);
    readings.at += UTILIZATION_WINDOW_MS;
    expect(load.check()).toBe(false);
  });
});
