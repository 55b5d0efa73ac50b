import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { appToken, graphFetch } from '../support/clients.js';
import { useEmulator, storeOptions, tlsDir } from '../support/emulator.js';
import { control, expectControlError, obj } from '../support/control.js';

interface ClockView {
  now: string;
  frozen: boolean;
  offsetMs: number;
}

const MIN = 60_000;
const DAY = 86_400_000;
/** Wall-following readings are taken a few ms apart: allow for the time a request takes. */
const SLACK = 2_000;

const emu = useEmulator();
afterEach(async () => {
  expect((await control(emu, 'POST', '/reset')).status).toBe(200);
});

const clock = async (): Promise<ClockView> => (await control(emu, 'GET', '/clock')).json as ClockView;
const move = async (body: unknown): Promise<ClockView> => {
  const res = await control(emu, 'POST', '/clock', body);
  expect(res.status, res.text).toBe(200);
  return res.json as ClockView;
};

/** A running clock moves on: poll until it reads later than `instant` (bounded, so a stopped clock fails). */
async function waitForClockPast(instant: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (Date.parse((await clock()).now) > Date.parse(instant)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the clock did not move past ${instant}`);
}

describe('the clock through the control API', () => {
  it('follows wall time by default', async () => {
    const view = await clock();
    expect(view.frozen).toBe(false);
    expect(Math.abs(view.offsetMs)).toBeLessThan(SLACK);
    expect(Math.abs(Date.parse(view.now) - Date.now())).toBeLessThan(SLACK);
  });

  it('{"advance":"PT30M"} moves it 30 minutes ahead and it keeps running', async () => {
    const view = await move({ advance: 'PT30M' });
    expect(view.frozen).toBe(false);
    expect(Math.abs(view.offsetMs - 30 * MIN)).toBeLessThan(SLACK);
    expect(Math.abs(Date.parse(view.now) - (Date.now() + 30 * MIN))).toBeLessThan(SLACK);
    await waitForClockPast(view.now);
  });

  it('{"advance":"P30D"} adds thirty days, on top of earlier moves', async () => {
    await move({ advance: 'PT30M' });
    const view = await move({ advance: 'P30D' });
    expect(Math.abs(view.offsetMs - (30 * DAY + 30 * MIN))).toBeLessThan(SLACK);
  });

  it('{"advance": milliseconds} is accepted too', async () => {
    const view = await move({ advance: 90_000 });
    expect(Math.abs(view.offsetMs - 90_000)).toBeLessThan(SLACK);
  });

  it('{"freeze":true} stops it; {"freeze":false} and {"unfreeze":true} let it run again', async () => {
    const frozen = await move({ freeze: true });
    expect(frozen.frozen).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect((await clock()).now).toBe(frozen.now);
    const thawed = await move({ freeze: false });
    expect(thawed.frozen).toBe(false);
    await waitForClockPast(frozen.now);
    await move({ freeze: true });
    expect((await move({ unfreeze: true })).frozen).toBe(false);
  });

  it('{"set":…} jumps to an instant, back or forth; with freeze it stands exactly there', async () => {
    const future = await move({ set: '2030-01-01T00:00:00Z', freeze: true });
    expect(future).toEqual({ now: '2030-01-01T00:00:00.000Z', frozen: true, offsetMs: future.offsetMs });
    const past = await move({ set: '2020-06-15T08:30:00+02:00' });
    expect(past.now).toBe('2020-06-15T06:30:00.000Z');
    expect(past.frozen).toBe(true);
    expect(past.offsetMs).toBeLessThan(-DAY);
    const running = await move({ set: '2021-01-01T00:00:00', freeze: false }); // no zone: UTC
    expect(running.frozen).toBe(false);
    expect(Math.abs(Date.parse(running.now) - Date.parse('2021-01-01T00:00:00Z'))).toBeLessThan(SLACK);
  });

  it('advancing fires the emulator’s timers, each seeing its due time as now', async () => {
    await move({ set: '2030-01-01T00:00:00Z', freeze: true });
    const seen: string[] = [];
    emu.clock.schedule(new Date('2030-01-01T00:20:00Z'), () => void seen.push(emu.clock.now().toISOString()));
    emu.clock.schedule(new Date('2030-01-01T00:10:00Z'), () => void seen.push(emu.clock.now().toISOString()));
    emu.clock.schedule(new Date('2030-01-01T01:00:00Z'), () => void seen.push('too late'));
    await move({ advance: 'PT30M' });
    expect(seen).toEqual(['2030-01-01T00:10:00.000Z', '2030-01-01T00:20:00.000Z']);
    await move({ set: '2029-01-01T00:00:00Z' }); // backward fires nothing
    expect(seen).toHaveLength(2);
  });

  it('the emulator’s "now" is the virtual clock’s (new data and error dates), while tokens keep wall-time lifetimes', async () => {
    const token = await appToken(emu);
    await move({ set: '2031-02-03T04:05:06Z', freeze: true });
    const missing = await graphFetch(emu, `/v1.0/users/${crypto.randomUUID()}`, token);
    expect(missing.status).toBe(404); // the wall-time token is still good 6 years on
    expect(((await missing.json()) as { error: { innerError: { date: string } } }).error.innerError.date).toBe('2031-02-03T04:05:06');
    const tenant = await control(emu, 'POST', '/tenants', { displayName: 'Time travellers' });
    expect(obj(tenant)['createdDateTime']).toBe('2031-02-03T04:05:06.000Z');
  });

  it.each([
    ['an English duration', { advance: '30 minutes' }],
    ['a negative duration', { advance: '-PT1M' }],
    ['negative milliseconds', { advance: -5 }],
    ['months (ambiguous)', { advance: 'P1M' }],
    ['an empty duration', { advance: 'PT' }],
    ['a duration beyond Date’s range', { advance: 'P999999999D' }],
    ['a date that is not ISO 8601', { set: 'tomorrow' }],
    ['an impossible date', { set: '2025-02-30T00:00:00Z' }],
    ['an empty command', {}],
    ['a non-boolean freeze', { freeze: 'yes' }],
    ['set and advance at once', { set: '2030-01-01T00:00:00Z', advance: 'PT1M' }],
    ['freeze and unfreeze at once', { freeze: true, unfreeze: true }],
    ['an unknown command', { jump: 'PT1M' }],
  ])('refuses %s with 400 and leaves the clock alone', async (_why, body) => {
    const before = await clock();
    expectControlError(await control(emu, 'POST', '/clock', body), 400);
    const after = await clock();
    expect(after.frozen).toBe(before.frozen);
    expect(Math.abs(after.offsetMs - before.offsetMs)).toBeLessThan(SLACK);
  });

  it('reset brings it back to wall time', async () => {
    await move({ set: '2040-01-01T00:00:00Z', freeze: true });
    const res = await control(emu, 'POST', '/reset');
    expect(res.status).toBe(200);
    const view = await clock();
    expect(view.frozen).toBe(false);
    expect(view.offsetMs).toBe(0);
  });
});

describe('the clock across a restart', () => {
  it('keeps its offset, and a frozen instant, on the same store', async () => {
    const { options, cleanup } = storeOptions(true);
    const start = () => createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    let first = await start();
    try {
      expect((await control(first, 'POST', '/clock', { advance: 'P30D' })).status).toBe(200);
      await first.close();
      first = await start();
      const view = (await control(first, 'GET', '/clock')).json as ClockView;
      expect(Math.abs(view.offsetMs - 30 * DAY)).toBeLessThan(SLACK);
      expect(view.frozen).toBe(false);

      expect((await control(first, 'POST', '/clock', { set: '2032-07-01T12:00:00Z', freeze: true })).status).toBe(200);
      await first.close();
      first = await start();
      expect((await control(first, 'GET', '/clock')).json as ClockView).toMatchObject({ now: '2032-07-01T12:00:00.000Z', frozen: true });
    } finally {
      await first.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });
});
