import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { expectGraphType } from '../support/graphSchema.js';
import { produceCallRecord, produceRecording, produceTranscript } from '../support/artifactChanges.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { control, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe, useNotificationRig } from './support.js';

const PUBLISHER = '0bf30f3b-4a52-48df-9a82-234910c4a086';

const rig = useNotificationRig();

/** The instant as change notifications write it: seven fractional digits and `+00:00` (the seed's samples). */
const notificationInstant = (iso: unknown): string => `${new Date(String(iso)).toISOString().slice(0, 23)}0000+00:00`;

const richBody = (path: string, resource: string, extra: Record<string, unknown> = {}) => ({
  changeType: 'created',
  notificationUrl: `${rig.receiver.url}${path}?tag=kept`,
  resource,
  includeResourceData: true,
  encryptionCertificate: rig.cert.certificateBase64Der,
  encryptionCertificateId: 'cert-1',
  expirationDateTime: inMinutes(rig.emu, 50),
  clientState: 'secret-state',
  ...extra,
});

describe('rich notifications', () => {
  it('delivers a recording as the seed shows it, decryptable from the documented algorithm, with validation tokens that verify against the published keys', async () => {
    const { tenantId, organizerUserId, meetingId, clientId } = rig.emu.demo;
    const created = await subscribe(rig.emu, richBody('/rich', 'communications/onlineMeetings/getAllRecordings'));
    expect(created.status).toBe(201);
    expectGraphType('v1.0', 'microsoft.graph.subscription', created.body);
    expect(rig.receiver.validations.length).toBeGreaterThan(0);

    const produced = await produceRecording(rig.emu, { tenantId, organizerId: organizerUserId, meetingId });
    const [item] = await rig.receiver.waitForItems(1, 10_000, '/rich');
    const post = rig.receiver.received.find((r) => r.path === '/rich')!;
    expect(post.query.get('tag')).toBe('kept');
    expect(post.contentType).toMatch(/^application\/json/);
    expectGraphType('v1.0', 'microsoft.graph.changeNotificationCollection', post.body);

    const resource = `users/${organizerUserId}/onlineMeetings('${meetingId}')/recordings('${produced.id}')`;
    expect(item).toMatchObject({
      subscriptionId: created.body['id'],
      changeType: 'created',
      clientState: 'secret-state',
      tenantId,
      // The same instant, written as the examples write it: seven fractional digits and +00:00.
      subscriptionExpirationDateTime: notificationInstant(created.body['expirationDateTime']),
      resource,
      resourceData: { id: produced.id, '@odata.type': '#Microsoft.Graph.callRecording', '@odata.id': resource },
    });
    const content = item!['encryptedContent'] as EncryptedContentWire;
    expect(content.encryptionCertificateId).toBe('cert-1');
    expect(content.encryptionCertificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(await decryptNotification(rig.cert.privateKeyPem, content)).toEqual(produced.data);

    // One validation token for the (app, tenant) pair, signed with keys the emulator publishes.
    const tokens = post.body['validationTokens'] as string[];
    expect(tokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${rig.emu.url}/common/discovery/keys`));
    const { payload, protectedHeader } = await jwtVerify(tokens[0]!, jwks, { audience: clientId, issuer: `https://sts.windows.net/${tenantId}/` });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ appid: PUBLISHER, appidacr: '2', tid: tenantId, ver: '1.0' });

    // The delivery log shows the attempt, the payload and the decrypted view.
    const [logged] = await deliveries(rig.emu, `?subscriptionId=${String(created.body['id'])}`);
    expect(logged).toMatchObject({ status: 'delivered', kind: 'change', decryptedResourceData: produced.data });
    expect(logged!.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 202, outcome: 'delivered' })]);
  });

  it('marks ad hoc call transcripts with meetingId null and the adhoccalls resource path (beta)', async () => {
    const { tenantId, organizerUserId } = rig.emu.demo;
    const created = await subscribe(rig.emu, richBody('/adhoc', 'communications/adhocCalls/getAllTranscripts'), { version: 'beta' });
    expect(created.status).toBe(201);
    expectGraphType('beta', 'microsoft.graph.subscription', created.body);
    const produced = await produceTranscript(rig.emu, { tenantId, organizerId: organizerUserId, meetingId: null, createdDateTime: inMinutes(rig.emu, 1) });
    const [item] = await rig.receiver.waitForItems(1, 10_000, '/adhoc');
    expect(item!['resource']).toBe(`users/${organizerUserId}/adhoccalls('${produced.data['callId'] as string}')/transcripts('${produced.id}')`);
    expect((item!['resourceData'] as Record<string, unknown>)['@odata.type']).toBe('#Microsoft.Graph.callTranscript');
    const plain = await decryptNotification(rig.cert.privateKeyPem, item!['encryptedContent'] as EncryptedContentWire);
    expect(plain['meetingId']).toBeNull();
    expect(plain).toEqual(produced.data);
  });
});

describe('validation tokens', () => {
  it('puts one token per (app, tenant) in a POST that mixes two apps on one URL', async () => {
    const { tenantId, organizerUserId, meetingId } = rig.emu.demo;
    const other = await control<{ clientId: string }>(rig.emu, 'POST', `/tenants/${tenantId}/apps`, {
      displayName: 'Second receiver app',
      applicationPermissions: ['OnlineMeetingRecording.Read.All'],
    });
    const body = richBody('/shared', `communications/onlineMeetings/${meetingId}/recordings`);
    expect((await subscribe(rig.emu, body)).status).toBe(201);
    expect((await subscribe(rig.emu, body, { token: await mintToken(rig.emu, { clientId: other.clientId }) })).status).toBe(201);
    await control(rig.emu, 'POST', '/clock', { freeze: true }, 200);
    try {
      rig.receiver.mode = 'failing';
      await produceRecording(rig.emu, { tenantId, organizerId: organizerUserId, meetingId });
      await flush(rig.emu);
      rig.receiver.mode = 'up';
      await control(rig.emu, 'POST', '/clock', { advance: 'PT1M' }, 200);
      await flush(rig.emu);
    } finally {
      rig.receiver.mode = 'up';
      await control(rig.emu, 'POST', '/clock', { unfreeze: true }, 200);
    }
    const posts = rig.receiver.received.filter((r) => r.path === '/shared');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body['value']).toHaveLength(2);
    const jwks = createRemoteJWKSet(new URL(`${rig.emu.url}/common/discovery/keys`));
    const audiences = [];
    for (const token of posts[0]!.body['validationTokens'] as string[]) audiences.push((await jwtVerify(token, jwks, { issuer: `https://sts.windows.net/${tenantId}/` })).payload.aud);
    expect(audiences.sort()).toEqual([rig.emu.demo.clientId, other.clientId].sort());
  });
});

describe('notifications without resource data', () => {
  it('sends the basic shape (no encryptedContent, no validationTokens) and call records as #Microsoft.Graph.callrecord', async () => {
    const { tenantId, organizerUserId } = rig.emu.demo;
    const sub = await subscribe(rig.emu, {
      changeType: 'created,updated',
      notificationUrl: `${rig.receiver.url}/records`,
      resource: 'communications/callRecords',
      expirationDateTime: inMinutes(rig.emu, 120),
    });
    expect(sub.status).toBe(201);
    const record = await produceCallRecord(rig.emu, { tenantId, organizerId: organizerUserId });
    const [item] = await rig.receiver.waitForItems(1, 10_000, '/records');
    expect(item).toEqual({
      subscriptionId: sub.body['id'],
      changeType: 'created',
      tenantId,
      clientState: null,
      subscriptionExpirationDateTime: notificationInstant(sub.body['expirationDateTime']),
      resource: `communications/callRecords/${record.id}`,
      resourceData: { id: record.id, '@odata.type': '#Microsoft.Graph.callrecord', '@odata.id': `communications/callRecords/${record.id}` },
    });
    expect(rig.receiver.received.find((r) => r.path === '/records')!.body['validationTokens']).toBeUndefined();
  });
});

describe('the control API for deliveries', () => {
  it('refuses bad filters and flush bodies with 400s', async () => {
    for (const query of ['?status=lost', '?kind=other', '?top=0', '?top=abc']) {
      const res = await fetch(`${rig.emu.url}/_emulator/deliveries${query}`);
      expect(res.status, query).toBe(400);
    }
    for (const body of ['{"timeoutMs":0}', '{"timeoutMs":"soon"}', '{"other":1}', '[]']) {
      const res = await fetch(`${rig.emu.url}/_emulator/deliveries/flush`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
    const ok = await fetch(`${rig.emu.url}/_emulator/deliveries/flush`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"timeoutMs":1000}' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ pending: 0 });
  });
});
