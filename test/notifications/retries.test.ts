import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { produceRecording } from '../support/artifactChanges.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { control, expectGraphFailure, graph, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe } from './support.js';

let emu: TestEmulator;
let receiver: WebhookReceiver;
let lifecycle: WebhookReceiver;

beforeEach(async () => {
  [emu, receiver, lifecycle] = await Promise.all([startTestEmulator(), new WebhookReceiver().start(), new WebhookReceiver().start()]);
});
/** An emulator that also sends subscriptionRemoved and missed (extraLifecycleEvents: not Graph's behaviour for these resources). */
const withExtraEvents = async (): Promise<void> => {
  await emu.stop();
  emu = await startTestEmulator({ extraLifecycleEvents: true });
};
afterEach(async () => {
  await emu?.stop();
  await receiver?.stop();
  await lifecycle?.stop();
});

const advance = (by: string) => control(emu, 'POST', '/clock', { advance: by }, 200);

async function subscription(minutes: number, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await subscribe(emu, {
    changeType: 'created',
    notificationUrl: `${receiver.url}/n`,
    lifecycleNotificationUrl: `${lifecycle.url}/life`,
    resource: 'communications/onlineMeetings/getAllRecordings',
    expirationDateTime: inMinutes(emu, minutes),
    clientState: 'cs',
    ...extra,
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return String(res.body['id']);
}

const recording = () => produceRecording(emu, { tenantId: emu.demo.tenantId, organizerId: emu.demo.organizerUserId, meetingId: emu.demo.meetingId });

describe('retries', () => {
  // A frozen clock: retries happen only when a test moves it.
  beforeEach(() => control(emu, 'POST', '/clock', { freeze: true }, 200));

  it('receiver down, then up: delivered by a retry on the virtual clock, once', async () => {
    await subscription(50);
    await receiver.stop();
    const produced = await recording();
    expect(await flush(emu)).toMatchObject({ delivered: 0, pending: 0 });
    const [failed] = await deliveries(emu, '?kind=change');
    expect(failed).toMatchObject({ status: 'pending' });
    expect(failed!.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: null, outcome: 'retry' })]);

    await receiver.start(Number(new URL(receiver.url).port));
    await advance('PT10S');
    await flush(emu);
    const items = receiver.items('/n');
    expect(items.map((i) => (i['resourceData'] as { id: string }).id)).toEqual([produced.id]);
    const [done] = await deliveries(emu, '?kind=change');
    expect(done!.status).toBe('delivered');
    expect(done!.attempts.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
  });

  it('a 5xx answer is retried too, and the notifications queued meanwhile arrive in one collection', async () => {
    await subscription(50);
    receiver.mode = 'failing';
    await recording();
    await recording();
    await recording();
    await flush(emu);
    expect((await deliveries(emu, '?kind=change')).map((d) => d.attempts.length)).toEqual([1, 1, 1]);
    receiver.mode = 'up';
    await advance('PT1M');
    expect((await flush(emu)).pending).toBe(0);
    expect((await deliveries(emu, '?kind=change')).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const posts = receiver.received.filter((r) => r.path === '/n');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body['value']).toHaveLength(3);
    expect((await deliveries(emu, '?kind=change'))[0]!.attempts[0]!.statusCode).toBe(503);
  });

  it('drops after 4 hours of failures; with extraLifecycleEvents, sends a missed lifecycle notification', async () => {
    await withExtraEvents();
    const id = await subscription(4000);
    receiver.mode = 'failing';
    await recording();
    await flush(emu);
    const attempts = async () => (await deliveries(emu, '?kind=change'))[0]!.attempts.length;
    expect(await attempts()).toBe(1);
    for (const [i, step] of ['PT10S', 'PT30S', 'PT1M', 'PT2M', 'PT5M'].entries()) {
      await advance(step);
      await flush(emu);
      expect(await attempts()).toBe(i + 2);
    }
    await advance('PT4H');
    await flush(emu);
    const [dropped] = await deliveries(emu, '?kind=change');
    expect(dropped!.status).toBe('dropped');
    expect(dropped!.attempts.at(-1)!.outcome).toBe('dropped');
    const [missed] = await lifecycle.waitForItems(1, 5_000, '/life');
    expect(missed).toEqual({ subscriptionId: id, subscriptionExpirationDateTime: expect.any(String), tenantId: emu.demo.tenantId, clientState: 'cs', lifecycleEvent: 'missed' });
  });
});

describe('lifecycle events', () => {
  it('reminds to reauthorize before expiry, on the cadence, until reauthorized; then removes the expired subscription silently, as Graph does for recordings', async () => {
    await control(emu, 'POST', '/clock', { freeze: true }, 200);
    const id = await subscription(180);
    const events = () => lifecycle.items('/life').map((i) => i['lifecycleEvent']);
    await advance('PT14M');
    await flush(emu);
    expect(events()).toEqual([]);
    await advance('PT1M');
    await flush(emu);
    expect(events()).toEqual(['reauthorizationRequired']);
    await advance('PT15M');
    await flush(emu);
    expect(events()).toEqual(['reauthorizationRequired', 'reauthorizationRequired']);

    const token = await mintToken(emu);
    expect((await fetch(`${emu.url}/v1.0/subscriptions/${id}/reauthorize`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    await advance('PT14M');
    await flush(emu);
    expect(events()).toHaveLength(2);

    await advance('PT3H');
    await flush(emu);
    // Past expiry in one jump: removed, and nothing says so (no subscriptionRemoved for recordings).
    expect(events()).toEqual(['reauthorizationRequired', 'reauthorizationRequired']);
    expectGraphFailure(await graph(emu, `/v1.0/subscriptions/${id}`, token), 'v1.0', 404, 'ResourceNotFound');
    // An expired subscription gets nothing more.
    await recording();
    await flush(emu);
    expect(receiver.items('/n')).toEqual([]);
  });

  it('with extraLifecycleEvents, says subscriptionRemoved at expiry', async () => {
    await withExtraEvents();
    await control(emu, 'POST', '/clock', { freeze: true }, 200);
    await subscription(50);
    await advance('PT1H');
    await flush(emu);
    expect(lifecycle.items('/life').map((i) => i['lifecycleEvent'])).toEqual(['subscriptionRemoved']);
  });

  it('removes a subscription whose app loses the permission; says so only with extraLifecycleEvents', async () => {
    const silent = await revokedSubscription();
    await flush(emu);
    expect(lifecycle.items('/life')).toEqual([]);
    expectGraphFailure(await graph(emu, `/v1.0/subscriptions/${silent}`, await mintToken(emu)), 'v1.0', 404, 'ResourceNotFound');
    await withExtraEvents();
    const id = await revokedSubscription();
    await flush(emu);
    const [removed] = await lifecycle.waitForItems(1, 5_000, '/life');
    expect(removed).toMatchObject({ subscriptionId: id, lifecycleEvent: 'subscriptionRemoved' });
    await recording();
    await flush(emu);
    expect(receiver.items('/n')).toEqual([]);
  });

  async function revokedSubscription(): Promise<unknown> {
    const { tenantId } = emu.demo;
    const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${tenantId}/apps`, { displayName: 'Revoked', applicationPermissions: ['OnlineMeetingRecording.Read.All'] });
    const token = await mintToken(emu, { clientId: app.clientId });
    const res = await subscribe(
      emu,
      {
        changeType: 'created',
        notificationUrl: `${receiver.url}/n`,
        lifecycleNotificationUrl: `${lifecycle.url}/life`,
        resource: 'communications/onlineMeetings/getAllRecordings',
        expirationDateTime: inMinutes(emu, 50),
      },
      { token },
    );
    expect(res.status).toBe(201);
    await control(emu, 'PATCH', `/tenants/${tenantId}/apps/${app.clientId}`, { applicationPermissions: [] }, 200);
    return res.body['id'];
  }
});
