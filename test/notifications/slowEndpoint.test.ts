import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorOptions } from '../../src/config.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { produceRecording } from '../support/artifactChanges.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { control } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe, type DeliveryEntry } from './support.js';

/** Graph's slow-endpoint rules (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks): answers after 2.9 s are slow; 10 % slow delays, 15 % drops. */
let emu: TestEmulator;
let receiver: WebhookReceiver;
let lifecycle: WebhookReceiver;

async function start(options: EmulatorOptions = {}): Promise<void> {
  [emu, receiver, lifecycle] = await Promise.all([startTestEmulator(options), new WebhookReceiver().start(), new WebhookReceiver().start()]);
  await control(emu, 'POST', '/clock', { freeze: true }, 200);
  const res = await subscribe(emu, {
    changeType: 'created',
    notificationUrl: `${receiver.url}/slow`,
    lifecycleNotificationUrl: `${lifecycle.url}/life`,
    resource: 'communications/onlineMeetings/getAllRecordings',
    expirationDateTime: inMinutes(emu, 180),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
}
afterEach(async () => {
  await emu?.stop();
  await receiver?.stop();
  await lifecycle?.stop();
});

const recordings = async (n: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await produceRecording(emu, { tenantId: emu.demo.tenantId, organizerId: emu.demo.organizerUserId, meetingId: emu.demo.meetingId })).id);
  return ids;
};
const receivedIds = (): string[] => receiver.items('/slow').map((i) => (i['resourceData'] as { id: string }).id);

describe('slow endpoints', () => {
  /** 100 notifications answered after 2.93 s (a bounded stall of the loopback receiver: 100 % slow), then one more. */
  async function stallThenOneMore(): Promise<DeliveryEntry> {
    receiver.mode = 'failing';
    await recordings(100);
    await flush(emu);
    receiver.mode = 'up';
    receiver.delayMs = 2_930;
    await control(emu, 'POST', '/clock', { advance: 'PT10S' }, 200);
    await flush(emu);
    expect(receiver.items('/slow')).toHaveLength(100);
    receiver.delayMs = 0;
    await recordings(1);
    await flush(emu);
    const [latest] = await deliveries(emu, '?kind=change&top=1');
    return latest!;
  }

  it('drops the notifications of an endpoint answering 15 % or more after 2.9 s, saying why in the delivery log; no missed event (Graph sends none for recordings)', async () => {
    await start();
    const warn = vi.spyOn(emu.internals.app.log, 'warn');
    const latest = await stallThenOneMore();
    expect(latest).toMatchObject({ status: 'dropped', lastError: expect.stringMatching(/15 %/) });
    // The log says when the endpoint was flagged, and why.
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ endpoint: `${receiver.url}/slow`, from: 'healthy', state: 'dropping', slow: 100, total: 200 }),
      expect.stringMatching(/flagged slow: its notifications are dropped.*--no-slow-endpoint-rules/),
    );
    expect(latest.attempts).toEqual([
      expect.objectContaining({ outcome: 'dropped', statusCode: null, error: expect.stringMatching(/15 % .*\(100 of 200 in the current 10-minute window\).*--no-slow-endpoint-rules/) }),
    ]);
    expect(receiver.items('/slow')).toHaveLength(100);
    await flush(emu);
    expect(lifecycle.items('/life')).toEqual([]);
  }, 30_000);

  it('sends missed for the dropped notifications with extraLifecycleEvents (not Graph behaviour)', async () => {
    await start({ extraLifecycleEvents: true });
    expect((await stallThenOneMore()).status).toBe('dropped');
    const [missed] = await lifecycle.waitForItems(1, 5_000, '/life');
    expect(missed!['lifecycleEvent']).toBe('missed');
  }, 30_000);

  it('with slowEndpointRules off, the same stall drops nothing', async () => {
    await start({ slowEndpointRules: false });
    const latest = await stallThenOneMore();
    expect(latest).toMatchObject({ status: 'delivered', lastError: null });
    expect(latest.attempts.map((a) => a.outcome)).toEqual(['delivered']);
    expect(receiver.items('/slow')).toHaveLength(101);
  }, 30_000);

  it('delays by 10 minutes the notifications of an endpoint answering 10 % after 2.9 s; the window resets every 10 minutes', async () => {
    await start();
    await recordings(100);
    await flush(emu);
    expect(receiver.items('/slow')).toHaveLength(100);
    receiver.delayMs = 2_930;
    await recordings(12);
    await flush(emu);
    expect(new Set(receivedIds()).size).toBe(112);
    receiver.delayMs = 0;
    const [late] = await recordings(1);
    await flush(emu);
    const [latest] = await deliveries(emu, '?kind=change&top=1');
    expect(latest).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/delayed 10 minutes/) });
    expect(receivedIds()).not.toContain(late);
    await control(emu, 'POST', '/clock', { advance: 'PT10M' }, 200);
    await flush(emu);
    expect(receivedIds()).toContain(late);
    // Delivered late, and the log still says why it waited.
    const [delivered] = await deliveries(emu, '?kind=change&top=1');
    expect(delivered!.attempts.map((a) => a.outcome)).toEqual(['delayed', 'delivered']);
    expect(delivered!.attempts[0]!.error).toMatch(/delayed 10 minutes.*\(12 of 112 in the current 10-minute window\)/);
  }, 30_000);
});
