import { describe, expect, it } from 'vitest';
import { produceRecording } from '../support/artifactChanges.js';
import { useEmulator, useWebhookReceiver } from '../support/emulator.js';
import { inMinutes, subscribe, until } from './support.js';

/**
 * With the event loop saturated (flat out), the dispatcher waits up to 200 ms before a round, so a
 * URL's notifications go out several to a POST (as Graph batches them) instead of one each; at a
 * light load, nothing waits (src/notifications/dispatcher.ts, SATURATED_LINGER_MS).
 */

const emu = useEmulator();
const receiver = useWebhookReceiver();

const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Keep the event loop busy for `ms`, yielding a macrotask every few milliseconds (as a flat-out load does). */
async function saturate(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now() + 5;
    while (performance.now() < slice) {
      // Busy: the loop has no idle time.
    }
    await macrotask();
  }
}

describe('linger under a saturated event loop', () => {
  it('an idle load’s notification goes out alone; a saturated one’s burst waits and shares one POST', async () => {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const spec = { tenantId, organizerId: organizerUserId, meetingId };
    const path = '/linger';
    const sub = await subscribe(emu, {
      changeType: 'created',
      notificationUrl: `${receiver.url}${path}`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: inMinutes(emu, 50),
    });
    expect(sub.status).toBe(201);
    const posts = () => receiver.received.filter((r) => r.path === path);
    const items = (i: number) => posts()[i]!.body['value'] as unknown[];

    // Light load: an idle second, then one change, in a POST of its own. That a light loop never
    // lingers is test/runtime/eventLoopLoad.test.ts's, on readings it sets: a time limit here would race a busy CI.
    await new Promise((r) => setTimeout(r, 1000));
    await produceRecording(emu, spec);
    await until('the first POST', () => posts().length === 1);
    expect(items(0)).toHaveLength(1);

    // Saturated: five changes a macrotask apart, the first to an idle dispatcher; one POST carries them all.
    await saturate(1500);
    for (let i = 0; i < 5; i++) {
      await produceRecording(emu, spec);
      await macrotask();
    }
    await until('the burst', () => posts().reduce((n, p) => n + (p.body['value'] as unknown[]).length, 0) === 6);
    expect(posts()).toHaveLength(2);
    expect(items(1)).toHaveLength(5);
  }, 60_000);
});
