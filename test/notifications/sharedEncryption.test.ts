import { describe, expect, it } from 'vitest';
import { produceRecording } from '../support/artifactChanges.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { inMinutes, subscribe, useNotificationRig } from './support.js';

/**
 * Rich notifications of one change for subscriptions sharing a certificate are encrypted once: the
 * same encryptedContent, each with its subscription's encryptionCertificateId, each decrypting to
 * the resource (https://learn.microsoft.com/graph/change-notifications-with-resource-data).
 */
const rig = useNotificationRig();

describe('one encryption per certificate and change', () => {
  it('gives subscriptions sharing a certificate the same ciphertext under their own certificate ids, and a new key per change', async () => {
    const { emu, receiver, cert } = rig;
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const url = `${receiver.url}/shared`;
    const ids = ['shared-1', 'shared-2'];
    const subs = new Map<string, string>();
    for (const certId of ids) {
      const res = await subscribe(emu, {
        changeType: 'created',
        notificationUrl: url,
        resource: 'communications/onlineMeetings/getAllRecordings',
        expirationDateTime: inMinutes(emu, 50),
        includeResourceData: true,
        encryptionCertificate: cert.certificateBase64Der,
        encryptionCertificateId: certId,
      });
      expect(res.status).toBe(201);
      subs.set(String(res.body['id']), certId);
    }
    const spec = { tenantId, organizerId: organizerUserId, meetingId };
    const first = await produceRecording(emu, spec);
    const second = await produceRecording(emu, spec);
    const items = await receiver.waitForItems(4, 15_000, '/shared');
    const byChange = new Map<string, EncryptedContentWire[]>();
    for (const item of items) {
      const content = item['encryptedContent'] as EncryptedContentWire;
      expect(content.encryptionCertificateId).toBe(subs.get(String(item['subscriptionId'])));
      const resourceId = (item['resourceData'] as { id: string }).id;
      expect(await decryptNotification(cert.privateKeyPem, content)).toEqual(resourceId === first.id ? first.data : second.data);
      byChange.set(resourceId, [...(byChange.get(resourceId) ?? []), content]);
    }
    const [a, b] = [byChange.get(first.id)!, byChange.get(second.id)!];
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(a[0]!.dataKey).toBe(a[1]!.dataKey);
    expect(a[0]!.data).toBe(a[1]!.data);
    expect(new Set(a.map((c) => c.encryptionCertificateId))).toEqual(new Set(ids));
    expect(b[0]!.dataKey).not.toBe(a[0]!.dataKey);
  });
});
