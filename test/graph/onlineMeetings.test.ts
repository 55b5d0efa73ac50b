import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError, expectGraphType } from '../support/graphSchema.js';
import { demoUser, type ControlMeeting, type DemoUser } from './support/artifacts.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;

const MEETING = 'microsoft.graph.onlineMeeting';
const COLLECTION = 'microsoft.graph.onlineMeetingCollectionResponse';
const NO_POLICY = 'No application access policy found for this app.';

describe('onlineMeetings', () => {
  let emu: TestEmulator;
  let tenant: string;
  let adele: DemoUser, megan: DemoUser, alex: DemoUser, lee: DemoUser;
  let appToken: string, adeleToken: string, alexToken: string, meganToken: string;
  let weekly: ControlMeeting, adeleOneToOne: ControlMeeting, leeMeeting: ControlMeeting;

  beforeAll(async () => {
    emu = await startTestEmulator();
    tenant = emu.demo.tenantId;
    const byName = (upn: string): DemoUser => demoUser(emu, upn);
    [adele, megan, alex, lee] = [byName('adele'), byName('megan'), byName('alex'), byName('lee')];
    [appToken, adeleToken, alexToken, meganToken] = await Promise.all([
      mintToken(emu),
      mintToken(emu, { userId: adele.id }),
      mintToken(emu, { userId: alex.id }),
      mintToken(emu, { userId: megan.id }),
    ]);
    const meetings = (await control<{ value: ControlMeeting[] }>(emu, 'GET', `/tenants/${tenant}/meetings`)).value;
    weekly = meetings.find((m) => m.id === emu.demo.meetingId)!;
    adeleOneToOne = meetings.find((m) => m.organizerId === adele.id && m.id !== weekly.id)!;
    leeMeeting = await control<ControlMeeting>(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: lee.id, subject: 'Lee planning' });
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('GET {me}/onlineMeetings/{id} on %s', (v: Version) => {
    it('reads a meeting through /users/{id} with an app token (official client)', async () => {
      const meeting = (await tokenClient(emu, appToken, v).api(`/users/${adele.id}/onlineMeetings/${weekly.id}`).get()) as Json;
      expectGraphType(v, MEETING, meeting);
      expect(meeting['id']).toBe(weekly.id);
      expect(meeting['subject']).toBe('Contoso weekly sync');
      expect(meeting['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings/$entity`);
      expect((meeting['participants'] as Json)['organizer']).toMatchObject({ upn: adele.userPrincipalName, identity: { user: { id: adele.id } } });
      // joinUrl is a beta-only property (graph-schema README).
      if (v === 'beta') expect(meeting['joinUrl']).toBe(weekly.joinWebUrl);
      else expect(meeting).not.toHaveProperty('joinUrl');
    });

    it('reads the same meeting through /me with the organizer’s delegated token', async () => {
      const meeting = (await tokenClient(emu, adeleToken, v).api(`/me/onlineMeetings/${weekly.id}`).get()) as Json;
      expectGraphType(v, MEETING, meeting);
      expect(meeting['id']).toBe(weekly.id);
      expect(meeting['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings/$entity`);
    });

    it('lets an invited attendee read the meeting by id (onlinemeeting-get.md)', async () => {
      const res = await graph(emu, `/${v}/me/onlineMeetings/${weekly.id}`, alexToken);
      expect(expectGraphOk(res, v, MEETING)['id']).toBe(weekly.id);
    });

    it('answers 404 NotFound for an unknown id and for a meeting the path user neither organizes nor attends', async () => {
      const unknown = Buffer.from(`1*${adele.id}*0**19:meeting_bm90LWEtbWVldGluZw@thread.v2`).toString('base64');
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}/onlineMeetings/${unknown}`, appToken), v, 404, 'NotFound');
      // Megan is in neither Adele's 1:1 nor its attendee list.
      expectGraphFailure(await graph(emu, `/${v}/users/${megan.id}/onlineMeetings/${adeleOneToOne.id}`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}/me/onlineMeetings/${adeleOneToOne.id}`, meganToken), v, 404, 'NotFound');
      const viaClient = await clientFailure(tokenClient(emu, meganToken, v).api(`/me/onlineMeetings/${adeleOneToOne.id}`).get());
      expect(viaClient.statusCode).toBe(404);
      expectGraphError(v, viaClient.body);
    });

    it('answers 404 Request_ResourceNotFound when the path user does not exist', async () => {
      const res = await graph(emu, `/${v}/users/00000000-0000-0000-0000-000000000001/onlineMeetings/${weekly.id}`, appToken);
      expectGraphFailure(res, v, 404, 'Request_ResourceNotFound');
    });
  });

  describe('identifiers', () => {
    it('shapes ids, joinWebUrl and chat threads as Graph does', async () => {
      const meeting = expectGraphOk(await graph(emu, `/v1.0/users/${adele.id}/onlineMeetings/${weekly.id}`, appToken), 'v1.0', MEETING);
      const decoded = Buffer.from(String(meeting['id']), 'base64').toString('utf8');
      const match = /^1\*([0-9a-f-]{36})\*0\*\*(19:meeting_[A-Za-z0-9]+@thread\.v2)$/.exec(decoded);
      expect(match, decoded).not.toBeNull();
      expect(match![1]).toBe(adele.id);
      const thread = match![2]!;
      expect((meeting['chatInfo'] as Json)['threadId']).toBe(thread);
      const escapedThread = encodeURIComponent(thread).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
      expect(meeting['joinWebUrl']).toBe(`https://teams.microsoft.com/l/meetup-join/${escapedThread}/0?context=%7b%22Tid%22%3a%22${tenant}%22%2c%22Oid%22%3a%22${adele.id}%22%7d`);
      expect((meeting['joinMeetingIdSettings'] as Json)['joinMeetingId']).toMatch(/^\d{12,13}$/);
      expect(meeting['videoTeleconferenceId']).toMatch(/^\d+$/);
    });
  });

  describe.each(VERSIONS)('look-ups by $filter on %s', (v: Version) => {
    it('finds a meeting by its URL-encoded joinWebUrl: a collection with exactly one meeting', async () => {
      const filter = `JoinWebUrl eq '${encodeURIComponent(weekly.joinWebUrl)}'`;
      const viaClient = (await tokenClient(emu, appToken, v).api(`/users/${adele.id}/onlineMeetings`).filter(filter).get()) as Json;
      expectGraphType(v, COLLECTION, viaClient);
      expect(viaClient['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings`);
      expect((viaClient['value'] as Json[]).map((m) => m['id'])).toEqual([weekly.id]);

      // The docs' raw form: the joinWebUrl percent-encoded once inside the query string.
      const raw = await graph(emu, `/${v}/me/onlineMeetings?$filter=JoinWebUrl%20eq%20'${encodeURIComponent(weekly.joinWebUrl)}'`, adeleToken);
      expect((expectGraphOk(raw, v, COLLECTION)['value'] as Json[]).map((m) => m['id'])).toEqual([weekly.id]);
    });

    it('finds a meeting by joinMeetingIdSettings/joinMeetingId', async () => {
      const filter = encodeURIComponent(`joinMeetingIdSettings/joinMeetingId eq '${weekly.joinMeetingId}'`);
      const res = await graph(emu, `/${v}/users/${adele.id}/onlineMeetings?$filter=${filter}`, appToken);
      const value = expectGraphOk(res, v, COLLECTION)['value'] as Json[];
      expect(value).toHaveLength(1);
      expect(value[0]!['id']).toBe(weekly.id);
    });

    it('refuses a list without a filter, with an unsupported filter, or with a malformed one (400)', async () => {
      const base = `/${v}/users/${adele.id}/onlineMeetings`;
      expectGraphFailure(await graph(emu, base, appToken), v, 400, 'BadRequest', /Filter expression expected/);
      for (const filter of ["subject eq 'Contoso weekly sync'", `JoinWebUrl ne '${weekly.joinWebUrl}'`, "JoinWebUrl eq 'a' or JoinWebUrl eq 'b'", 'JoinWebUrl eq', "JoinWebUrl eq 'open"]) {
        expectGraphFailure(await graph(emu, `${base}?$filter=${encodeURIComponent(filter)}`, appToken), v, 400, 'BadRequest');
      }
      // VideoTeleconferenceId is for /communications/onlineMeetings only.
      const vtc = encodeURIComponent(`VideoTeleconferenceId eq '${weekly.videoTeleconferenceId}'`);
      expectGraphFailure(await graph(emu, `${base}?$filter=${vtc}`, appToken), v, 400, 'BadRequest');
    });

    it('refuses the joinWebUrl look-up to anyone but the organizer (403, microsoft-graph-docs-contrib#436)', async () => {
      const filter = `JoinWebUrl%20eq%20'${encodeURIComponent(weekly.joinWebUrl)}'`;
      expectGraphFailure(await graph(emu, `/${v}/me/onlineMeetings?$filter=${filter}`, alexToken), v, 403, 'Forbidden');
    });

    it('finds a meeting by VideoTeleconferenceId app-only, with no access policy for its organizer', async () => {
      const filter = `VideoTeleconferenceId eq '${leeMeeting.videoTeleconferenceId}'`;
      const body = (await tokenClient(emu, appToken, v).api('/communications/onlineMeetings').filter(filter).get()) as Json;
      expectGraphType(v, COLLECTION, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/onlineMeetings`);
      expect((body['value'] as Json[]).map((m) => m['id'])).toEqual([leeMeeting.id]);
      // Delegated tokens cannot use it; nor can a list without the filter.
      expectGraphFailure(await graph(emu, `/${v}/communications/onlineMeetings?$filter=${encodeURIComponent(filter)}`, adeleToken), v, 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/${v}/communications/onlineMeetings`, appToken), v, 400, 'BadRequest');
    });
  });

  describe.each(VERSIONS)('create and createOrGet on %s', (v: Version) => {
    it('POST {me}/onlineMeetings answers 201 with the meeting and no Location', async () => {
      const body = { subject: `Created on ${v}`, startDateTime: '2030-01-02T10:00:00Z' };
      const res = await graph(emu, `/${v}/users/${adele.id}/onlineMeetings`, appToken, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const created = expectGraphOk(res, v, MEETING, 201);
      expect(res.headers.get('location')).toBeNull();
      expect(created).toMatchObject({ subject: body.subject, startDateTime: '2030-01-02T10:00:00.000Z', endDateTime: '2030-01-02T11:00:00.000Z' });
      expect(created['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings/$entity`);
      const again = (await tokenClient(emu, appToken, v)
        .api(`/users/${adele.id}/onlineMeetings/${String(created['id'])}`)
        .get()) as Json;
      expect(again['joinWebUrl']).toBe(created['joinWebUrl']);
    });

    it('POST /me/onlineMeetings with a delegated token through the official client', async () => {
      const created = (await tokenClient(emu, adeleToken, v).api('/me/onlineMeetings').post({ subject: 'Delegated create' })) as Json;
      expectGraphType(v, MEETING, created);
      expect(created['subject']).toBe('Delegated create');
      expect(Buffer.from(String(created['id']), 'base64').toString()).toContain(`1*${adele.id}*0**19:meeting_`);
    });

    it('createOrGet answers 201 first, then 200 with the same meeting; 400 without externalId', async () => {
      const externalId = `ext-${v}-${Date.now()}`;
      const post = (token: string, path: string, body: unknown) => graph(emu, path, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const path = `/${v}/users/${adele.id}/onlineMeetings/createOrGet`;
      const first = expectGraphOk(await post(appToken, path, { externalId, subject: 'Idempotent' }), v, MEETING, 201);
      const second = expectGraphOk(await post(appToken, path, { externalId, subject: 'Idempotent' }), v, MEETING, 200);
      expect(second['id']).toBe(first['id']);
      expect(first['externalId']).toBe(externalId);
      // The same externalId for another organizer is another meeting (tenant, user, externalId identify it).
      const megans = expectGraphOk(await post(meganToken, `/${v}/me/onlineMeetings/createOrGet`, { externalId }), v, MEETING, 201);
      expect(megans['id']).not.toBe(first['id']);
      expectGraphFailure(await post(appToken, path, { subject: 'No external id' }), v, 400, 'BadRequest', /externalId/);
      expectGraphFailure(await post(appToken, path, { externalId: 'x', endDateTime: '2030-01-01T00:00:00Z' }), v, 400, 'BadRequest');
      const viaClient = (await tokenClient(emu, adeleToken, v).api('/me/onlineMeetings/createOrGet').post({ externalId })) as Json;
      expect(viaClient['id']).toBe(first['id']);
    });
  });

  describe.each(VERSIONS)('authorization on %s', (v: Version) => {
    it('refuses app permissions for a user without an application access policy (403)', async () => {
      const meetingPath = `/${v}/users/${lee.id}/onlineMeetings/${leeMeeting.id}`;
      expectGraphFailure(await graph(emu, meetingPath, appToken), v, 403, 'Forbidden', NO_POLICY);
      const filter = `JoinWebUrl%20eq%20'${encodeURIComponent(leeMeeting.joinWebUrl)}'`;
      expectGraphFailure(await graph(emu, `/${v}/users/${lee.id}/onlineMeetings?$filter=${filter}`, appToken), v, 403, 'Forbidden', NO_POLICY);
      const create = await graph(emu, `/${v}/users/${lee.id}/onlineMeetings`, appToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expectGraphFailure(create, v, 403, 'Forbidden', NO_POLICY);
      const viaClient = await clientFailure(tokenClient(emu, appToken, v).api(`/users/${lee.id}/onlineMeetings/${leeMeeting.id}`).get());
      expect(viaClient.statusCode).toBe(403);
      expect(viaClient.body.error.message).toBe(NO_POLICY);
    });

    it('refuses an app token without an onlineMeetings role (403)', async () => {
      const token = await mintToken(emu, { roles: ['User.Read.All'] });
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}/onlineMeetings/${weekly.id}`, token), v, 403, 'Forbidden');
      const readOnly = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      const create = await graph(emu, `/${v}/users/${adele.id}/onlineMeetings`, readOnly, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expectGraphFailure(create, v, 403, 'Forbidden');
    });

    it('refuses a delegated token on another user’s path (403) and /me with an app token (400)', async () => {
      expectGraphFailure(await graph(emu, `/${v}/users/${megan.id}/onlineMeetings/${weekly.id}`, adeleToken), v, 403, 'Forbidden');
      const noScope = await mintToken(emu, { userId: adele.id, scopes: ['User.Read'] });
      expectGraphFailure(await graph(emu, `/${v}/me/onlineMeetings/${weekly.id}`, noScope), v, 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/${v}/me/onlineMeetings/${weekly.id}`, appToken), v, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    });

    it('answers 401 without a token', async () => {
      const res = await graph(emu, `/${v}/users/${adele.id}/onlineMeetings/${weekly.id}`, undefined);
      expectGraphFailure(res, v, 401, 'InvalidAuthenticationToken');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });
  });

  describe('application access policies from the control API', () => {
    it('a global policy lets its app reach users without a policy of their own, not users governed by another', async () => {
      const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${tenant}/apps`, {
        displayName: 'Global policy app',
        applicationPermissions: ['OnlineMeetings.Read.All'],
      });
      const token = await mintToken(emu, { clientId: app.clientId });
      const leePath = `/v1.0/users/${lee.id}/onlineMeetings/${leeMeeting.id}`;
      expectGraphFailure(await graph(emu, leePath, token), 'v1.0', 403, 'Forbidden', NO_POLICY);
      await control(emu, 'POST', `/tenants/${tenant}/accessPolicies`, { name: 'Tenant-wide', appIds: [app.clientId], global: true });
      expect(expectGraphOk(await graph(emu, leePath, token), 'v1.0', MEETING)['id']).toBe(leeMeeting.id);
      // Adele holds the demo policy, which does not list this app: a user's own policy wins over the global one.
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele.id}/onlineMeetings/${weekly.id}`, token), 'v1.0', 403, 'Forbidden', NO_POLICY);
    });
  });
});
