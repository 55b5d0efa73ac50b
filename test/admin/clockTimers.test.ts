import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { control as rawControl, expectControlError } from '../support/control.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { control } from '../graph/support/http.js';
import { flush, inMinutes, subscribe } from '../notifications/support.js';

interface Timer {
  kind: string;
  dueDateTime: string;
  description: string;
  subjectId: string | null;
}
interface Timers {
  now: string;
  value: Timer[];
}

const MIN = 60_000;

describe('GET /_emulator/clock/timers: what falls due on the virtual clock', () => {
  let emu: TestEmulator;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [emu, receiver] = await Promise.all([startTestEmulator(), new WebhookReceiver().start()]);
    // A frozen clock: nothing falls due unless the test moves it.
    await control(emu, 'POST', '/clock', { freeze: true }, 200);
  });
  afterAll(async () => {
    await emu?.stop();
    await receiver?.stop();
  });

  const timers = (query = ''): Promise<Timers> => control<Timers>(emu, 'GET', `/clock/timers${query}`);
  const advance = (by: string) => control(emu, 'POST', '/clock', { advance: by }, 200);

  it('lists subscription expiries and reminders, delayed artifacts and notification retries, soonest first; advancing the clock makes them happen', async () => {
    const before = await timers();
    const nowMs = Date.parse(before.now);
    const expiration = inMinutes(emu, 120);
    const sub = await subscribe(emu, {
      changeType: 'created',
      notificationUrl: `${receiver.url}/n`,
      lifecycleNotificationUrl: `${receiver.url}/life`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: expiration,
      clientState: 'cs',
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const subId = String(sub.body['id']);

    const sim = await control<{ artifactsAvailableDateTime: string }>(emu, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, { artifactDelay: 'PT10M' }, 201);
    const listed = await timers();
    const of = (list: Timers, kind: string, subject: string | null): Timer | undefined => list.value.find((t) => t.kind === kind && t.subjectId === subject);

    const expiry = of(listed, 'subscriptionExpiry', subId);
    expect(Date.parse(expiry!.dueDateTime)).toBe(Date.parse(expiration));
    const reminder = of(listed, 'reauthorizationRequired', subId);
    expect(Date.parse(reminder!.dueDateTime)).toBeLessThan(Date.parse(expiration));
    const artifacts = of(listed, 'artifactsAvailable', emu.demo.meetingId);
    expect(artifacts!.dueDateTime).toBe(sim.artifactsAvailableDateTime);
    expect(Date.parse(artifacts!.dueDateTime) - nowMs).toBe(10 * MIN);
    expect(artifacts!.description).toMatch(/recording and transcript/);
    const dues = listed.value.map((t) => Date.parse(t.dueDateTime));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));

    // The artifacts fall due: the recording's notification fails at the receiver and waits for a retry.
    receiver.mode = 'failing';
    await advance('PT11M');
    await flush(emu);
    const after = await timers();
    expect(of(after, 'artifactsAvailable', emu.demo.meetingId)).toBeUndefined();
    const retry = after.value.find((t) => t.kind === 'notificationRetry');
    expect(retry?.description).toMatch(/Attempt 2 of change notification/);
    expect(Date.parse(retry!.dueDateTime)).toBeGreaterThan(Date.parse(after.now));
    receiver.mode = 'up';

    // Past the expiry: the subscription is removed, and with it its timers.
    await advance('PT3H');
    await flush(emu);
    const expired = await timers();
    expect(of(expired, 'subscriptionExpiry', subId)).toBeUndefined();
    expect(of(expired, 'reauthorizationRequired', subId)).toBeUndefined();
  });

  it('?top limits the list', async () => {
    await control(emu, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, { artifactDelay: 'PT5M' }, 201);
    await control(emu, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, { artifactDelay: 'PT6M' }, 201);
    const one = await timers('?top=1');
    expect(one.value).toHaveLength(1);
    expect((await timers('?top=2')).value).toHaveLength(2);
  });

  it.each(['?top=0', '?top=1001', '?top=many'])('answers a Graph-shaped 400 to %s', async (query) => {
    expectControlError(await rawControl(emu, 'GET', `/clock/timers${query}`), 400);
  });
});
