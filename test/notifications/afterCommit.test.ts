import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangePipeline } from '../../src/domain/changes.js';
import type { DomainContext } from '../../src/domain/context.js';
import { NotificationService } from '../../src/notifications/service.js';
import { produceRecording, type StoreProducer } from '../support/artifactChanges.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { inMinutes, subscribe } from './support.js';

/**
 * The dispatcher hears of new outbox rows from the store's after-commit signal (store.writes), not
 * from timers: with its wall-clock poll an hour long, a notification created in a transaction is
 * still delivered, and one whose transaction rolls back never is.
 */

let emu: TestEmulator;
let receiver: WebhookReceiver;
let service: NotificationService | undefined;
const errors: unknown[] = [];

beforeEach(async () => {
  [emu, receiver] = await Promise.all([startTestEmulator(), new WebhookReceiver().start()]);
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await emu?.stop();
  await receiver?.stop();
  errors.length = 0;
});

/**
 * The emulator's own dispatcher stopped; a second one on the same store whose poll never comes, fed
 * by its own change pipeline (so each change is written once, by this outbox sink).
 */
function quietDispatcher(): StoreProducer {
  const services = emu.internals.services;
  const ctx: DomainContext = { ...services.ctx, changes: new ChangePipeline() };
  service = new NotificationService(ctx, services.store, services.keys, (err) => errors.push(err), { pollMs: 3_600_000 });
  service.start(emu.url);
  return { ctx, close: async () => undefined };
}

describe('delivery on commit', () => {
  it('delivers a notification created in a transaction without a timer, and nothing for a rolled-back one', async () => {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const sub = await subscribe(emu, {
      changeType: 'created',
      notificationUrl: `${receiver.url}/commit`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: inMinutes(emu, 50),
    });
    expect(sub.status).toBe(201);
    await emu.internals.services.notifications.close();
    const target = quietDispatcher();
    const spec = { tenantId, organizerId: organizerUserId, meetingId };

    // Rolled back: its outbox row never existed, and no signal fires for it.
    let commits = 0;
    const off = emu.internals.services.store.writes.on((commit) => {
      if (commit.inserted.has('notification_deliveries')) commits++;
    });
    await expect(
      target.ctx.db.transaction().execute(async (trx) => {
        await target.ctx.changes.emit(
          trx,
          { resource: 'recording', changeType: 'created', tenantId, resourceId: 'rolled-back', organizerId: organizerUserId, meetingId, callId: 'c' },
          target.ctx.clock.now().toISOString(),
          { id: 'rolled-back' },
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(commits).toBe(0);
    off();

    const produced = await produceRecording(target, spec);
    const items = await receiver.waitForItems(1, 15_000, '/commit');
    expect(items.map((item) => (item['resourceData'] as { id: string }).id)).toEqual([produced.id]);
    expect(errors).toEqual([]);
  });
});
