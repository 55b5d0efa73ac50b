import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { graph, mintToken } from '../graph/support/http.js';
import { produceRecording } from '../support/artifactChanges.js';
import { useTwoEmulatorsOnOneStore } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { deliveries, inMinutes, subscribe } from './support.js';

// The outbox sink keeps each (tenant, resource)'s active subscriptions between changes on SQLite
// (src/notifications/activeSubscriptions.ts). Whatever one emulator does to subscriptions, the next
// change written by either emulator on the same store must see it, exactly as a SELECT per change did.

describe('active subscriptions as the outbox sees them, two emulators on one store', () => {
  const emulators = useTwoEmulatorsOnOneStore();
  let receiver: WebhookReceiver | undefined;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  /** A recording written by `emu`'s change pipeline: the ids of the subscriptions it queued notifications for. */
  async function notifiedBy(emu: Emulator): Promise<string[]> {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const produced = await produceRecording(emu, { tenantId, organizerId: organizerUserId, meetingId });
    const rows = await deliveries(emu, '?kind=change');
    return rows
      .filter((row) => JSON.stringify(row.payload).includes(produced.id))
      .map((row) => row.subscriptionId)
      .sort();
  }

  it('sees a subscription created, changed and deleted through the other emulator on its next change', async () => {
    const a = emulators.first();
    const b = emulators.second();
    // A change with no subscription yet: what a cache would keep is "none".
    expect(await notifiedBy(a)).toEqual([]);

    const created = await subscribe(b, {
      changeType: 'created',
      notificationUrl: `${receiver!.url}/elsewhere`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: inMinutes(b, 50),
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(await notifiedBy(a)).toEqual([id]);
    expect(await notifiedBy(a)).toEqual([id]);

    // A new URL set through the other emulator is where the next notification goes.
    const token = await mintToken(b);
    const patched = await graph(b, `/v1.0/subscriptions/${id}`, token, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notificationUrl: `${receiver!.url}/moved` }),
    });
    expect(patched.status).toBe(200);
    const { tenantId, organizerUserId, meetingId } = a.demo;
    const moved = await produceRecording(a, { tenantId, organizerId: organizerUserId, meetingId });
    const targets = await deliveries(a, `?subscriptionId=${id}`);
    expect(targets.find((r) => JSON.stringify(r.payload).includes(moved.id))?.targetUrl).toBe(`${receiver!.url}/moved`);

    const deleted = await fetch(`${b.url}/v1.0/subscriptions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(deleted.status).toBe(204);
    expect(await notifiedBy(a)).toEqual([]);
  });

  it('stops notifying a subscription once the virtual clock passes its expiry', async () => {
    const a = emulators.first();
    const created = await subscribe(a, {
      changeType: 'created',
      notificationUrl: `${receiver!.url}/expiring`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: inMinutes(a, 10),
    });
    expect(created.status).toBe(201);
    const { id, expirationDateTime } = created.body as { id: string; expirationDateTime: string };
    expect(await notifiedBy(a)).toContain(id);
    const res = await fetch(`${a.url}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: new Date(Date.parse(expirationDateTime) + 60_000).toISOString() }),
    });
    expect(res.status).toBe(200);
    expect(await notifiedBy(a)).not.toContain(id);
  });
});
