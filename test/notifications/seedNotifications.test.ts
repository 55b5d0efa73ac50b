import { describe, expect, it } from 'vitest';
import { seedArtifacts } from '../../src/simulation/seed.js';
import { deliveries, flush, inMinutes, subscribe, useNotificationRig } from './support.js';

const rig = useNotificationRig();

describe('bulk seeding and subscriptions', () => {
  it('a seeded batch notifies a matching subscription once per artifact, in feed order, with the resource data a single creation carries', async () => {
    const { tenantId, organizerUserId } = rig.emu.demo;
    const created = await subscribe(rig.emu, {
      changeType: 'created',
      notificationUrl: `${rig.receiver.url}/seeded`,
      resource: `users/${organizerUserId}/onlineMeetings/getAllRecordings`,
      includeResourceData: true,
      encryptionCertificate: rig.cert.certificateBase64Der,
      encryptionCertificateId: 'cert-1',
      expirationDateTime: inMinutes(rig.emu, 50),
    });
    expect(created.status).toBe(201);
    const { services } = rig.emu.internals;
    // Batches of 7 across meetings of 3: batch boundaries fall inside and between meetings.
    await seedArtifacts(services.ctx, services.blobs, { tenantId, organizerId: organizerUserId, recordings: 20, transcripts: 4, perMeeting: 3, batchSize: 7 });
    await flush(rig.emu);
    const logged = (await deliveries(rig.emu, `?subscriptionId=${String(created.body['id'])}`)).sort((a, b) => a.id - b.id);
    expect(logged).toHaveLength(20);
    const ids = logged.map((d) => d.decryptedResourceData?.['id']);
    expect(new Set(ids).size).toBe(20);
    const seeded = await services.ctx.db.selectFrom('artifacts').select(['id', 'feed_seq']).where('kind', '=', 'recording').where('organizer_id', '=', organizerUserId).orderBy('feed_seq').execute();
    expect(ids).toEqual(seeded.slice(-20).map((r) => r.id));
    for (const d of logged)
      expect(d.decryptedResourceData).toMatchObject({ content: null, recordingContentUrl: expect.stringContaining(`/recordings/${String(d.decryptedResourceData?.['id'])}/content`) as unknown });
  });
});
