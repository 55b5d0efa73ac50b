import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { produceRecording } from '../support/artifactChanges.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { createSelfSignedRsaCertificate } from '../support/rsaCertificate.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { control } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe, testCertificate, until, type RsaCertificate } from './support.js';

/**
 * Batching over real sockets: Graph sends queued notifications for one URL several to a POST
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks), mixing subscriptions
 * (and apps) that share the URL (https://learn.microsoft.com/graph/api/resources/changenotificationcollection).
 */

let emu: TestEmulator;
let receiver: WebhookReceiver;
let certA: RsaCertificate;
let certB: RsaCertificate;

beforeEach(async () => {
  [emu, receiver, certA, certB] = await Promise.all([startTestEmulator(), new WebhookReceiver().start(), testCertificate(), createSelfSignedRsaCertificate({ commonName: 'second receiver' })]);
});
afterEach(async () => {
  await emu?.stop();
  await receiver?.stop();
});

const id = (item: Record<string, unknown>): string => (item['resourceData'] as { id: string }).id;
const postsTo = (path: string) => receiver.received.filter((r) => r.path === path);

describe('batched delivery', () => {
  it('queues a URL’s notifications behind its POST in flight and sends them in one; a 500 retries each; each rich item decrypts with its own certificate; the log shows every notification and attempt', async () => {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const url = `${receiver.url}/batch`;
    const base = { changeType: 'created', notificationUrl: url, resource: 'communications/onlineMeetings/getAllRecordings', expirationDateTime: inMinutes(emu, 50) };
    const rich = (cert: RsaCertificate, certId: string) => ({ ...base, includeResourceData: true, encryptionCertificate: cert.certificateBase64Der, encryptionCertificateId: certId });
    const subs = [await subscribe(emu, rich(certA, 'cert-a')), await subscribe(emu, rich(certB, 'cert-b')), await subscribe(emu, { ...base, clientState: 'basic' })];
    for (const sub of subs) expect(sub.status).toBe(201);
    const [subA, subB, subBasic] = subs.map((s) => String(s.body['id'])) as [string, string, string];
    const keyFor = new Map([
      [subA, certA.privateKeyPem],
      [subB, certB.privateKeyPem],
    ]);
    const spec = { tenantId, organizerId: organizerUserId, meetingId };

    // Retries only when the test moves the clock.
    await control(emu, 'POST', '/clock', { freeze: true }, 200);
    receiver.holding = true;
    const first = await produceRecording(emu, spec);
    await until('the first POST', () => receiver.heldCount === 1);
    expect(postsTo('/batch')[0]!.body['value']).toHaveLength(3);

    // While that POST is unanswered, four more changes: twelve notifications queue for the URL.
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await produceRecording(emu, spec));
    await new Promise((r) => setTimeout(r, 300));
    expect(postsTo('/batch')).toHaveLength(1);

    // The receiver fails: the held POST with 500, and the twelve, sent together, too.
    receiver.mode = 'failing';
    receiver.failStatus = 500;
    expect(receiver.release(500)).toBe(1);
    await flush(emu);
    const failed = await deliveries(emu, '?kind=change');
    expect(failed).toHaveLength(15);
    for (const d of failed) {
      expect(d.status).toBe('pending');
      const batchSize = id(d.payload) === first.id ? 3 : 12;
      expect(d.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 500, outcome: 'retry', batchSize })]);
    }

    // Up again: the retries, all due together, arrive in one POST.
    receiver.mode = 'up';
    await control(emu, 'POST', '/clock', { advance: 'PT1M' }, 200);
    expect((await flush(emu)).pending).toBe(0);
    const retried = postsTo('/batch').at(-1)!;
    const items = retried.body['value'] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(15);
    expect(new Set(items.map((i) => `${String(i['subscriptionId'])} ${id(i)}`)).size).toBe(15);
    expect(new Set(items.map(id))).toEqual(new Set([first.id, ...later.map((p) => p.id)]));

    // Each rich item is encrypted for its own subscription's certificate; basic items carry none.
    const produced = new Map([first, ...later].map((p) => [p.id, p.data]));
    for (const item of items) {
      const key = keyFor.get(String(item['subscriptionId']));
      if (key === undefined) {
        expect(item['subscriptionId']).toBe(subBasic);
        expect(item['encryptedContent']).toBeUndefined();
        expect(item['clientState']).toBe('basic');
        continue;
      }
      const content = item['encryptedContent'] as EncryptedContentWire;
      expect(content.encryptionCertificateId).toBe(item['subscriptionId'] === subA ? 'cert-a' : 'cert-b');
      expect(await decryptNotification(key, content)).toEqual(produced.get(id(item)));
    }
    // One validation token for the one (app, tenant) pair among the rich items.
    const tokens = retried.body['validationTokens'] as string[];
    expect(tokens).toHaveLength(1);
    await jwtVerify(tokens[0]!, createRemoteJWKSet(new URL(`${emu.url}/common/discovery/keys`)), { audience: emu.demo.clientId });

    // The log: every notification delivered, each with its failed attempt and the delivering one.
    const done = await deliveries(emu, '?kind=change');
    expect(done).toHaveLength(15);
    for (const d of done) {
      expect(d.status).toBe('delivered');
      expect(d.attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
        [1, 500, 'retry'],
        [2, 202, 'delivered'],
      ]);
      expect(d.attempts[1]).toMatchObject({ batchSize: 15 });
    }
    // Never two POSTs at once to the URL.
    expect(receiver.maxInFlight.get('/batch')).toBe(1);
  }, 60_000);
});
