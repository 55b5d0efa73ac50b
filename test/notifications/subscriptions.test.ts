import { describe, expect, it } from 'vitest';
import { createSelfSignedRsaCertificate } from '../support/rsaCertificate.js';
import { graphClient } from '../support/clients.js';
import { startTestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken, type Version } from '../graph/support/http.js';
import { inMinutes, subscribe, useNotificationRig } from './support.js';

const rig = useNotificationRig();

const basic = (extra: Record<string, unknown> = {}) => ({
  changeType: 'created',
  notificationUrl: `${rig.receiver.url}/hook`,
  resource: 'communications/onlineMeetings/getAllRecordings',
  expirationDateTime: inMinutes(rig.emu, 50),
  ...extra,
});

async function expectRejected(body: Record<string, unknown>, status: number, code: string, message: string | RegExp, version: Version = 'v1.0', token?: string) {
  const res = await subscribe(rig.emu, body, { version, ...(token !== undefined ? { token } : {}) });
  expectGraphFailure(res, version, status, code, message);
}

describe('POST /subscriptions: every resource string of the seed', () => {
  const user = () => rig.emu.demo.organizerUserId;
  const cases: Array<[string, () => string, Version]> = [
    ['tenant meeting recordings', () => 'communications/onlineMeetings/getAllRecordings', 'v1.0'],
    ['tenant meeting transcripts', () => 'communications/onlineMeetings/getAllTranscripts', 'v1.0'],
    ['one meeting recordings', () => `communications/onlineMeetings/${rig.emu.demo.meetingId}/recordings`, 'v1.0'],
    ['one meeting transcripts (RSC switch)', () => `communications/onlineMeetings/${rig.emu.demo.meetingId}/transcripts?useResourceSpecificConsentBasedAuthorization=true`, 'v1.0'],
    ["a user's meeting recordings", () => `users/${user()}/onlineMeetings/getAllRecordings`, 'v1.0'],
    ["a user's meeting transcripts", () => `users/${user()}/onlineMeetings/getAllTranscripts`, 'v1.0'],
    ['call records', () => 'communications/callRecords', 'v1.0'],
    ['tenant ad hoc recordings', () => 'communications/adhocCalls/getAllRecordings', 'v1.0'],
    ['tenant ad hoc recordings', () => 'communications/adhocCalls/getAllRecordings', 'beta'],
    ['tenant ad hoc transcripts', () => 'communications/adhocCalls/getAllTranscripts', 'beta'],
    ['one ad hoc call recordings', () => 'communications/adhocCalls/5f3640e7-a59c-4bec-82ca-e66251f795b7/recordings', 'v1.0'],
    ['one ad hoc call recordings', () => 'communications/adhocCalls/5f3640e7-a59c-4bec-82ca-e66251f795b7/recordings', 'beta'],
    ["a user's ad hoc recordings", () => `users/${user()}/adhocCalls/getAllRecordings`, 'v1.0'],
    ["a user's ad hoc transcripts", () => `users/${user()}/adhocCalls/getAllTranscripts`, 'v1.0'],
    ["a user's ad hoc transcripts", () => `users/${user()}/adhocCalls/getAllTranscripts`, 'beta'],
    ['Teams app recordings', () => 'appCatalogs/teamsApps/386bbcdb-1e1c-4f3f-b7d0-ad7b9ea6cf7c/installedToOnlineMeetings/getAllRecordings', 'beta'],
    ['Teams app transcripts', () => 'appCatalogs/teamsApps/386bbcdb-1e1c-4f3f-b7d0-ad7b9ea6cf7c/installedToOnlineMeetings/getAllTranscripts', 'beta'],
  ];
  for (const [name, resource, version] of cases) {
    it(`${name} (${version})`, async () => {
      const res = await subscribe(rig.emu, basic({ resource: resource() }), { version });
      const body = expectGraphOk(res, version, 'microsoft.graph.subscription', 201);
      expect(body).toMatchObject({ resource: resource(), applicationId: rig.emu.demo.clientId, includeResourceData: false, latestSupportedTlsVersion: 'v1_2' });
      expect(body['@odata.context']).toBe(`${rig.emu.url}/${version}/$metadata#subscriptions/$entity`);
    });
  }

  // Only these three are marked "available only on the /beta endpoint" (teams-changenotifications-callrecording-and-calltranscript).
  it('refuses beta-only resources on v1.0', async () => {
    for (const resource of [
      'communications/adhocCalls/getAllTranscripts',
      'appCatalogs/teamsApps/x1/installedToOnlineMeetings/getAllRecordings',
      'appCatalogs/teamsApps/x1/installedToOnlineMeetings/getAllTranscripts',
    ]) {
      await expectRejected(basic({ resource }), 400, 'InvalidRequest', /only available on the beta endpoint/);
    }
  });

  it('ad hoc call transcripts of one call are delegated only', async () => {
    const resource = 'communications/adhocCalls/5f3640e7-a59c-4bec-82ca-e66251f795b7/transcripts';
    await expectRejected(basic({ resource }), 403, 'Forbidden', /Insufficient privileges/, 'beta');
    const delegated = await mintToken(rig.emu, { userId: rig.emu.demo.organizerUserId, scopes: ['CallTranscripts.Read.All'] });
    expectGraphOk(await subscribe(rig.emu, basic({ resource }), { version: 'beta', token: delegated }), 'beta', 'microsoft.graph.subscription', 201);
  });
});

describe('POST /subscriptions: validation as Graph does it', () => {
  it('requires changeType, notificationUrl, resource and expirationDateTime', async () => {
    for (const name of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime']) {
      const body: Record<string, unknown> = basic();
      delete body[name];
      await expectRejected(body, 400, 'InvalidRequest', `${name} is a required property for subscription creation.`);
    }
  });

  it('rejects unknown properties, wrong types and non-object bodies', async () => {
    await expectRejected(basic({ colour: 'red' }), 400, 'BadRequest', /The property 'colour' does not exist on type 'microsoft.graph.subscription'/);
    await expectRejected(basic({ notificationContentType: 'application/json' }), 400, 'BadRequest', /notificationContentType/);
    await expectRejected(basic({ includeResourceData: 'yes' }), 400, 'BadRequest', "Invalid value for property 'includeResourceData'.");
    await expectRejected(basic({ clientState: 42 }), 400, 'BadRequest', "Invalid value for property 'clientState'.");
    const res = await graph(rig.emu, '/v1.0/subscriptions', await mintToken(rig.emu), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' });
    expectGraphFailure(res, 'v1.0', 400, 'BadRequest');
  });

  it('rejects unknown resources and misplaced query parameters', async () => {
    await expectRejected(basic({ resource: 'communications/onlineMeetings' }), 400, 'InvalidRequest', "Resource 'communications/onlineMeetings' is not supported for change notifications.");
    await expectRejected(basic({ resource: 'me/events' }), 400, 'InvalidRequest', /not supported for change notifications/);
    await expectRejected(
      basic({ resource: 'communications/onlineMeetings/getAllRecordings?useResourceSpecificConsentBasedAuthorization=true' }),
      400,
      'InvalidRequest',
      /useResourceSpecificConsentBasedAuthorization' is not supported/,
    );
    await expectRejected(basic({ resource: 'communications/onlineMeetings/getAllRecordings?$top=2' }), 400, 'InvalidRequest', /not supported for change notifications/);
  });

  it('checks changeType values and what the resource raises', async () => {
    await expectRejected(basic({ changeType: 'created,moved' }), 400, 'InvalidRequest', "Invalid changeType 'moved'. The supported values are: created, updated, deleted.");
    await expectRejected(basic({ changeType: 'updated' }), 400, 'InvalidRequest', /ChangeType 'updated' is not supported for resource/);
    await expectRejected(basic({ resource: 'communications/callRecords', changeType: 'deleted' }), 400, 'InvalidRequest', /ChangeType 'deleted' is not supported/);
  });

  it('applies the lifetime rules: maximum per resource, 45-minute minimum, lifecycle URL beyond one hour', async () => {
    await expectRejected(
      basic({ expirationDateTime: inMinutes(rig.emu, 4321), lifecycleNotificationUrl: `${rig.receiver.url}/life` }),
      400,
      'ExtensionError',
      'Subscription expiration can only be 4320 minutes in the future.',
    );
    await expectRejected(
      basic({ resource: 'communications/callRecords', expirationDateTime: inMinutes(rig.emu, 4231) }),
      400,
      'ExtensionError',
      'Subscription expiration can only be 4230 minutes in the future.',
    );
    await expectRejected(basic({ expirationDateTime: 'tomorrow' }), 400, 'InvalidRequest', /Invalid expirationDateTime 'tomorrow'/);
    await expectRejected(
      basic({ expirationDateTime: inMinutes(rig.emu, 61) }),
      400,
      'ValidationError',
      'lifecycleNotificationUrl is required for subscription creation on this resource when the expirationDateTime value exceeds 1 hour.',
    );
    const raised = await subscribe(rig.emu, basic({ expirationDateTime: inMinutes(rig.emu, 5) }));
    expect(raised.status).toBe(201);
    expect(Date.parse(String(raised.body['expirationDateTime'])) - rig.emu.clock.nowMs()).toBeGreaterThan(44 * 60_000);
    // Call records are not a Teams artifact: no lifecycle URL needed.
    expect((await subscribe(rig.emu, basic({ resource: 'communications/callRecords', expirationDateTime: inMinutes(rig.emu, 4000) }))).status).toBe(201);
  });

  it('limits clientState, latestSupportedTlsVersion and the certificate id', async () => {
    await expectRejected(basic({ clientState: 'x'.repeat(256) }), 400, 'InvalidRequest', 'clientState must be at most 255 characters long.');
    expect((await subscribe(rig.emu, basic({ clientState: 'x'.repeat(255) }))).status).toBe(201);
    await expectRejected(basic({ latestSupportedTlsVersion: 'v2_0' }), 400, 'InvalidRequest', /Invalid latestSupportedTlsVersion 'v2_0'/);
    const rich = { includeResourceData: true, encryptionCertificate: rig.cert.certificateBase64Der };
    await expectRejected(basic({ ...rich, encryptionCertificateId: 'i'.repeat(129) }), 400, 'InvalidRequest', 'encryptionCertificateId must be at most 128 characters long.');
  });

  it('requires a readable RSA 2048–4096 certificate and its id for resource data, and refuses resource data for call records', async () => {
    await expectRejected(basic({ includeResourceData: true, encryptionCertificateId: 'c' }), 400, 'InvalidRequest', 'encryptionCertificate is a required property when includeResourceData is true.');
    await expectRejected(
      basic({ includeResourceData: true, encryptionCertificate: rig.cert.certificateBase64Der }),
      400,
      'InvalidRequest',
      'encryptionCertificateId is a required property when includeResourceData is true.',
    );
    await expectRejected(
      basic({ includeResourceData: true, encryptionCertificate: 'AAAAB3NzaC1yc2E=', encryptionCertificateId: 'c' }),
      400,
      'InvalidRequest',
      'Certificate validation error: Cannot find the requested object.',
    );
    await expectRejected(
      basic({ includeResourceData: true, encryptionCertificate: 'not base64!', encryptionCertificateId: 'c' }),
      400,
      'InvalidRequest',
      'Certificate validation error: Cannot find the requested object.',
    );
    const small = await createSelfSignedRsaCertificate({ modulusLength: 1024 });
    await expectRejected(
      basic({ includeResourceData: true, encryptionCertificate: small.certificateBase64Der, encryptionCertificateId: 'c' }),
      400,
      'InvalidRequest',
      /RSA public key of 2048 to 4096 bits/,
    );
    await expectRejected(
      basic({ resource: 'communications/callRecords', includeResourceData: true, encryptionCertificate: rig.cert.certificateBase64Der, encryptionCertificateId: 'c' }),
      400,
      'InvalidRequest',
      "includeResourceData is not supported for resource 'communications/callRecords'.",
    );
  });

  it('takes https URLs and loopback http only', async () => {
    await expectRejected(
      basic({ notificationUrl: 'http://example.com/hook' }),
      400,
      'InvalidRequest',
      /it must use https \(http is accepted on loopback only, and on hosts allowed with --allow-notification-host\)/,
    );
    await expectRejected(basic({ notificationUrl: 'not a url' }), 400, 'InvalidRequest', /Invalid notificationUrl 'not a url'/);
    await expectRejected(basic({ lifecycleNotificationUrl: 'ftp://127.0.0.1/x' }), 400, 'InvalidRequest', /Invalid lifecycleNotificationUrl/);
  });

  it('fails creation when the endpoint validation handshake fails', async () => {
    const bad = await new WebhookReceiver().start();
    try {
      bad.mode = 'failing';
      await expectRejected(
        basic({ notificationUrl: `${bad.url}/x` }),
        400,
        'ValidationError',
        'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
      );
      bad.mode = 'wrongEcho';
      await expectRejected(basic({ notificationUrl: `${bad.url}/x` }), 400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
      bad.mode = 'noEcho';
      await expectRejected(basic({ notificationUrl: `${bad.url}/x` }), 400, 'ValidationError', /Response must exactly match validationToken/);
      // The lifecycle URL is validated too.
      bad.mode = 'failing';
      await expectRejected(basic({ lifecycleNotificationUrl: `${bad.url}/life` }), 400, 'ValidationError', /must respond with 200 OK/);
      await bad.stop();
      await expectRejected(basic({ notificationUrl: `${bad.url}/x` }), 400, 'ValidationError', /must respond with 200 OK/);
    } finally {
      await bad.stop().catch(() => undefined);
    }
  });

  it('times out a handshake after 10 seconds', async () => {
    const slow = await new WebhookReceiver().start();
    slow.mode = 'hanging';
    try {
      const started = Date.now();
      await expectRejected(basic({ notificationUrl: `${slow.url}/x` }), 400, 'InvalidRequest', 'Subscription validation request timed out.');
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
    } finally {
      await slow.stop();
    }
  }, 20_000);

  it('validates both URLs, even when they are the same, echoing the token URL-decoded', async () => {
    const before = rig.receiver.validations.length;
    const res = await subscribe(rig.emu, basic({ lifecycleNotificationUrl: `${rig.receiver.url}/hook`, expirationDateTime: inMinutes(rig.emu, 180) }));
    expect(res.status).toBe(201);
    expect(rig.receiver.validations.length - before).toBe(2);
    expect(rig.receiver.validations.at(-1)).toMatch(/^Validation: Testing client application reachability for subscription Request-Id: [0-9a-f-]{36}$/);
  });
});

describe('permissions', () => {
  it('needs the permission the seed lists for the resource', async () => {
    const noRecordings = await mintToken(rig.emu, { roles: ['OnlineMeetingTranscript.Read.All'] });
    await expectRejected(basic(), 403, 'Forbidden', /Insufficient privileges/, 'v1.0', noRecordings);
    expect((await subscribe(rig.emu, basic({ resource: 'communications/onlineMeetings/getAllTranscripts' }), { token: noRecordings })).status).toBe(201);
    const delegated = await mintToken(rig.emu, { userId: rig.emu.demo.organizerUserId, scopes: ['OnlineMeetingRecording.Read.All'] });
    await expectRejected(basic(), 403, 'Forbidden', /Insufficient privileges/, 'v1.0', delegated);
    const mine = await subscribe(rig.emu, basic({ resource: `users/${rig.emu.demo.organizerUserId}/onlineMeetings/getAllRecordings` }), { token: delegated });
    expect(mine.status).toBe(201);
    expect(mine.body['creatorId']).toBe(rig.emu.demo.organizerUserId);
  });

  it('accepts resource-specific consent only with the switch, through a Teams app installed in the meeting', async () => {
    const { tenantId, meetingId } = rig.emu.demo;
    const app = await control<{ clientId: string }>(rig.emu, 'POST', `/tenants/${tenantId}/apps`, { displayName: 'RSC app', applicationPermissions: [] });
    await control(rig.emu, 'POST', `/tenants/${tenantId}/teamsAppInstallations`, { meetingId, clientId: app.clientId, rscPermissions: ['OnlineMeetingRecording.Read.Chat'] });
    const token = await mintToken(rig.emu, { clientId: app.clientId });
    const resource = `communications/onlineMeetings/${meetingId}/recordings`;
    await expectRejected(basic({ resource }), 403, 'Forbidden', /Insufficient privileges/, 'v1.0', token);
    expect((await subscribe(rig.emu, basic({ resource: `${resource}?useResourceSpecificConsentBasedAuthorization=true` }), { token })).status).toBe(201);
  });

  it('404s unknown users and meetings named in the resource, and refuses private channel meetings', async () => {
    await expectRejected(basic({ resource: 'users/6b1e0a57-0000-4000-8000-000000000000/onlineMeetings/getAllRecordings' }), 404, 'Request_ResourceNotFound', /does not exist/);
    await expectRejected(basic({ resource: 'communications/onlineMeetings/bm90LWEtbWVldGluZw==/recordings' }), 404, 'NotFound', /was not found/);
    const { tenantId, organizerUserId } = rig.emu.demo;
    const meeting = await control<{ id: string }>(rig.emu, 'POST', `/tenants/${tenantId}/meetings`, { organizerId: organizerUserId, kind: 'privateChannel' });
    await expectRejected(basic({ resource: `communications/onlineMeetings/${meeting.id}/recordings` }), 400, 'InvalidRequest', 'Change notifications are not supported for private channel meetings.');
  });
});

describe('get, list, renew, reauthorize, delete', () => {
  it('works with the official client, and each app sees only its own subscriptions', async () => {
    const client = graphClient(rig.emu);
    const created = (await client.api('/subscriptions').post(basic({ clientState: 'c' }))) as Record<string, unknown>;
    const id = String(created['id']);
    expectGraphType('v1.0', 'microsoft.graph.subscription', created);
    const got = (await client.api(`/subscriptions/${id}`).get()) as Record<string, unknown>;
    expect(got['clientState']).toBe('c');
    // OData key syntax too.
    expect(((await client.api(`/subscriptions('${id}')`).get()) as Record<string, unknown>)['id']).toBe(id);
    const list = (await client.api('/subscriptions').get()) as { value: Array<Record<string, unknown>> };
    expect(list.value.map((s) => s['id'])).toContain(id);
    list.value.forEach((s) => expectGraphType('v1.0', 'microsoft.graph.subscription', s));

    const renewed = (await client.api(`/subscriptions/${id}`).patch({ expirationDateTime: inMinutes(rig.emu, 55) })) as Record<string, unknown>;
    expect(Date.parse(String(renewed['expirationDateTime']))).toBeGreaterThan(Date.parse(String(created['expirationDateTime'])));
    expectGraphType('v1.0', 'microsoft.graph.subscription', renewed);
    const token = await mintToken(rig.emu);
    const reauth = await graph(rig.emu, `/v1.0/subscriptions/${id}/reauthorize`, token, { method: 'POST' }).catch(() => undefined);
    expect(reauth).toBeUndefined(); // 204: no JSON body to parse
    const raw = await fetch(`${rig.emu.url}/v1.0/subscriptions/${id}/reauthorize`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(204);

    const { tenantId } = rig.emu.demo;
    const other = await control<{ clientId: string }>(rig.emu, 'POST', `/tenants/${tenantId}/apps`, { displayName: 'Other', applicationPermissions: ['OnlineMeetingRecording.Read.All'] });
    const otherToken = await mintToken(rig.emu, { clientId: other.clientId });
    expectGraphFailure(await graph(rig.emu, `/v1.0/subscriptions/${id}`, otherToken), 'v1.0', 404, 'ResourceNotFound');
    const otherList = expectGraphOk(await graph(rig.emu, '/v1.0/subscriptions', otherToken), 'v1.0', 'microsoft.graph.subscriptionCollectionResponse');
    expect(otherList['value']).toEqual([]);

    await client.api(`/subscriptions/${id}`).delete();
    expectGraphFailure(await graph(rig.emu, `/v1.0/subscriptions/${id}`, token), 'v1.0', 404, 'ResourceNotFound', `The subscription '${id}' was not found.`);
    const gone = await fetch(`${rig.emu.url}/v1.0/subscriptions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(404);
  });

  it('validates renewals: lifetime limits, the lifecycle URL rule, fields that cannot change', async () => {
    const token = await mintToken(rig.emu);
    const id = String((await subscribe(rig.emu, basic())).body['id']);
    const patch = (body: unknown) => graph(rig.emu, `/v1.0/subscriptions/${id}`, token, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expectGraphFailure(await patch({ expirationDateTime: inMinutes(rig.emu, 5000) }), 'v1.0', 400, 'ExtensionError');
    expectGraphFailure(await patch({ expirationDateTime: inMinutes(rig.emu, 120) }), 'v1.0', 400, 'ValidationError', /lifecycleNotificationUrl is required/);
    expectGraphFailure(await patch({ lifecycleNotificationUrl: `${rig.receiver.url}/life` }), 'v1.0', 400, 'InvalidRequest', /cannot be added or changed/);
    expectGraphFailure(await patch({ resource: 'communications/callRecords' }), 'v1.0', 400, 'InvalidRequest', /cannot be updated/);
    expectGraphFailure(await patch({ expirationDateTime: 5 }), 'v1.0', 400, 'BadRequest', "Invalid value for property 'expirationDateTime'.");
    const moved = expectGraphOk(await patch({ notificationUrl: `${rig.receiver.url}/moved` }), 'v1.0', 'microsoft.graph.subscription');
    expect(moved['notificationUrl']).toBe(`${rig.receiver.url}/moved`);
    expectGraphFailure(
      await graph(rig.emu, '/v1.0/subscriptions/00000000-0000-4000-8000-000000000000', token, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{}' }),
      'v1.0',
      404,
      'ResourceNotFound',
    );
  });
});

describe('strict mode', () => {
  it('demands https notification URLs, as Graph does', async () => {
    const strict = await startTestEmulator({ strict: true });
    try {
      const res = await subscribe(strict, { ...basic(), expirationDateTime: new Date(strict.clock.nowMs() + 50 * 60_000).toISOString() });
      expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest', `Invalid notificationUrl '${rig.receiver.url}/hook': it must use https.`);
    } finally {
      await strict.stop();
    }
  });
});

describe('robustness', () => {
  it('answers odd input with Graph-shaped 4xx, never 500', async () => {
    const token = await mintToken(rig.emu);
    const bodies: unknown[] = [
      {},
      null,
      'text',
      42,
      basic({ resource: 'x'.repeat(5000) }),
      basic({ resource: `users/${'\u0000'}/onlineMeetings/getAllRecordings` }),
      basic({ clientState: 'a\u0000b' }),
      basic({ resource: "communications/onlineMeetings/a'b/recordings" }),
      basic({ resource: '/communications/onlineMeetings/getAllRecordings/' }),
      basic({ notificationUrl: `${rig.receiver.url}/${'%00'}` }),
      basic({ expirationDateTime: '9999-12-31T23:59:59Z' }),
      basic({ expirationDateTime: '2020-02-30T00:00:00Z' }),
      basic({ changeType: ',,,' }),
      basic({ includeResourceData: true, encryptionCertificate: 'A'.repeat(100_000), encryptionCertificateId: 'c' }),
    ];
    for (const body of bodies) {
      const res = await graph(rig.emu, '/v1.0/subscriptions', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeLessThan(500);
      if (res.status >= 400) expectGraphFailure(res, 'v1.0', res.status);
    }
    for (const id of ['nope', "x'y", 'x'.repeat(1500), '%00', '00000000-0000-0000-0000-000000000000']) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await graph(rig.emu, `/v1.0/subscriptions/${id}`, token, {
          method,
          ...(method === 'PATCH' ? { headers: { 'content-type': 'application/json' }, body: '{"expirationDateTime":"2030-01-01T00:00:00Z"}' } : {}),
        });
        expect(res.status, `${method} ${id.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${id.slice(0, 20)}`).toBeLessThan(500);
      }
    }
  });
});
