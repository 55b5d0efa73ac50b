import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { expectGraphUser } from '../graph/support/userSchema.js';
import { expectGraphFailure, expectGraphHeaders, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from '../graph/support/http.js';

type Json = Record<string, unknown>;
const MEETING = 'microsoft.graph.onlineMeeting';
const COLLECTION = 'microsoft.graph.onlineMeetingCollectionResponse';

/** Every null (or empty collection/object) anywhere below `value`, as dotted paths. */
function emptyPaths(value: unknown, at = ''): string[] {
  if (value === null) return [at];
  if (Array.isArray(value)) return value.length === 0 ? [at] : value.flatMap((v, i) => emptyPaths(v, `${at}[${i}]`));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Json);
    if (entries.length === 0) return [at];
    return entries.flatMap(([k, v]) => emptyPaths(v, at === '' ? k : `${at}.${k}`));
  }
  return [];
}

describe('Graph query conventions', () => {
  let emu: TestEmulator;
  let adeleId: string, alexId: string;
  let meetingId: string;
  let appToken: string, adeleToken: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    adeleId = emu.demo.organizerUserId;
    alexId = emu.demo.users.find((u) => u.userPrincipalName.startsWith('alex'))!.id;
    meetingId = emu.demo.meetingId;
    [appToken, adeleToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: adeleId })]);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('$select on %s', (v: Version) => {
    const meetingPath = (query: string) => `/${v}/users/${adeleId}/onlineMeetings/${meetingId}?${query}`;

    it('returns the selected subset (and the key) with @odata.context reflecting it', async () => {
      const body = expectGraphOk(await graph(emu, meetingPath('$select=subject,JoinWebUrl'), appToken), v, MEETING);
      expect(Object.keys(body).sort()).toEqual(['@odata.context', 'id', 'joinWebUrl', 'subject']);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adeleId}')/onlineMeetings(subject,joinWebUrl)/$entity`);
      const viaClient = (await tokenClient(emu, adeleToken, v).api(`/me/onlineMeetings/${meetingId}`).select(['subject', 'participants']).get()) as Json;
      expectGraphType(v, MEETING, viaClient);
      expect(Object.keys(viaClient).sort()).toEqual(['@odata.context', 'id', 'participants', 'subject']);
    });

    it('selects inside complex properties with a path, and everything with *', async () => {
      const body = expectGraphOk(await graph(emu, meetingPath('$select=lobbyBypassSettings/scope'), appToken), v, MEETING);
      expect(body['lobbyBypassSettings']).toEqual({ scope: 'organization' });
      const all = expectGraphOk(await graph(emu, meetingPath('$select=*'), appToken), v, MEETING);
      expect(all).toHaveProperty('joinMeetingIdSettings');
      expect(all['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adeleId}')/onlineMeetings/$entity`);
    });

    it('reflects $select in a collection’s context too', async () => {
      const joinMeetingId = String(((await graph(emu, meetingPath(''), appToken)).body['joinMeetingIdSettings'] as Json)['joinMeetingId']);
      const filter = encodeURIComponent(`joinMeetingIdSettings/joinMeetingId eq '${joinMeetingId}'`);
      const body = expectGraphOk(await graph(emu, `/${v}/users/${adeleId}/onlineMeetings?$filter=${filter}&$select=subject`, appToken), v, COLLECTION);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adeleId}')/onlineMeetings(subject)`);
      expect(body['value']).toEqual([{ id: meetingId, subject: 'Contoso weekly sync' }]);
    });

    it('refuses an unknown property with "Could not find a property named …"', async () => {
      const res = await graph(emu, meetingPath('$select=subject,colour'), appToken);
      expectGraphFailure(res, v, 400, 'BadRequest', "Could not find a property named 'colour' on type 'microsoft.graph.onlineMeeting'.");
      for (const bad of ['subject,,id', 'sub ject', "subject'"]) {
        expectGraphFailure(await graph(emu, meetingPath(`$select=${encodeURIComponent(bad)}`), appToken), v, 400, 'BadRequest');
      }
    });

    it('knows which properties each version has (joinUrl is beta-only)', async () => {
      const res = await graph(emu, meetingPath('$select=joinUrl'), appToken);
      if (v === 'beta') expect(expectGraphOk(res, v, MEETING)['joinUrl']).toMatch(/^https:\/\/teams\.microsoft\.com\//);
      else expectGraphFailure(res, v, 400, 'BadRequest', "Could not find a property named 'joinUrl' on type 'microsoft.graph.onlineMeeting'.");
    });
  });

  describe.each(VERSIONS)('$filter and other system query options on %s', (v: Version) => {
    const list = (query: string) => graph(emu, `/${v}/users/${adeleId}/onlineMeetings?${query}`, appToken);

    it('refuses a malformed $filter with 400', async () => {
      for (const filter of ['JoinWebUrl eq', "JoinWebUrl eq 'x", '(JoinWebUrl', "JoinWebUrl eq 'x')", "JoinWebUrl equals 'x'", "contains(JoinWebUrl,'x')", '']) {
        expectGraphFailure(await list(`$filter=${encodeURIComponent(filter)}`), v, 400, 'BadRequest');
      }
    });

    it('refuses system query options the endpoint does not support with 400', async () => {
      const meeting = `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`;
      for (const option of ['$orderby=subject', '$top=1', '$expand=recordings', '$skip=1', '$count=true', '$search=x', '$filter=subject%20eq%20%27x%27']) {
        const res = await graph(emu, `${meeting}?${option}`, appToken);
        expectGraphFailure(res, v, 400, 'BadRequest', /Query option '\w+' is not allowed/);
      }
      expectGraphFailure(await graph(emu, `${meeting}?$bogus=1`, appToken), v, 400, 'BadRequest', "The query parameter '$bogus' is not supported.");
      expectGraphFailure(await graph(emu, `/${v}/users/${adeleId}?$top=1`, appToken), v, 400, 'BadRequest');
    });

    it('refuses a system query option given twice with 400', async () => {
      const meeting = `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`;
      for (const query of ['$select=subject&$select=id', '$select=subject&select=id', '$select=subject&$SELECT=id']) {
        const res = await graph(emu, `${meeting}?${query}`, appToken);
        expectGraphFailure(res, v, 400, 'BadRequest', "Query option '$select' was specified more than once, but it must be specified at most once.");
      }
    });
  });

  describe.each(VERSIONS)('Prefer: omit-values=nulls on %s', (v: Version) => {
    it('drops null and empty values and answers Preference-Applied', async () => {
      const path = `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`;
      const plain = expectGraphOk(await graph(emu, path, appToken), v, MEETING);
      expect(emptyPaths(plain)).toContain('meetingTemplateId');
      const res = await graph(emu, path, appToken, { headers: { prefer: 'omit-values=nulls' } });
      const omitted = expectGraphOk(res, v, MEETING);
      expect(res.headers.get('preference-applied')).toBe('omit-values=nulls');
      expect(emptyPaths(omitted)).toEqual([]);
      expect(omitted['id']).toBe(meetingId);
      expect(omitted['subject']).toBe(plain['subject']);
      expect(omitted['@odata.context']).toBe(plain['@odata.context']);
      const without = await graph(emu, path, appToken);
      expect(without.headers.get('preference-applied')).toBeNull();
    });

    it('applies to users too', async () => {
      const res = await graph(emu, `/${v}/users/${adeleId}`, appToken, { headers: { prefer: 'omit-values=nulls' } });
      expect(res.status).toBe(200);
      expectGraphHeaders(res);
      expectGraphUser(res.body);
      expect(res.headers.get('preference-applied')).toBe('omit-values=nulls');
      expect(res.body).not.toHaveProperty('mobilePhone');
      expect(res.body).not.toHaveProperty('businessPhones');
      expect(res.body['displayName']).toBe('Adele Vance');
    });
  });

  describe.each(VERSIONS)('Prefer: include-unknown-enum-members on %s', (v: Version) => {
    const body = (role: string, scope: string) =>
      JSON.stringify({
        subject: `Evolvable enums on ${v}`,
        participants: { attendees: [{ upn: 'alex.wilber@contoso.onmicrosoft.com', role, identity: { user: { id: alexId } } }] },
        lobbyBypassSettings: { scope, isDialInBypassEnabled: true },
      });
    const create = (payload: string, prefer?: string) =>
      graph(emu, `/${v}/me/onlineMeetings`, adeleToken, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(prefer !== undefined ? { prefer } : {}) },
        body: payload,
      });
    const attendeeRole = (meeting: Json): unknown => ((meeting['participants'] as Json)['attendees'] as Json[])[0]!['role'];
    const lobbyScope = (meeting: Json): unknown => (meeting['lobbyBypassSettings'] as Json)['scope'];

    it('stores members after the sentinel when asked, and shows them only to clients that opt in', async () => {
      const created = await create(body('coorganizer', 'invited'), 'include-unknown-enum-members');
      const meeting = expectGraphOk(created, v, MEETING, 201);
      expect(created.headers.get('preference-applied')).toBe('include-unknown-enum-members');
      expect(attendeeRole(meeting)).toBe('coorganizer');
      expect(lobbyScope(meeting)).toBe('invited');

      const path = `/${v}/me/onlineMeetings/${String(meeting['id'])}`;
      const masked = await graph(emu, path, adeleToken);
      const maskedBody = expectGraphOk(masked, v, MEETING);
      expect(masked.headers.get('preference-applied')).toBeNull();
      expect(attendeeRole(maskedBody)).toBe('unknownFutureValue');
      expect(lobbyScope(maskedBody)).toBe('unknownFutureValue');

      const revealed = await graph(emu, path, adeleToken, { headers: { prefer: 'include-unknown-enum-members' } });
      const revealedBody = expectGraphOk(revealed, v, MEETING);
      expect(revealed.headers.get('preference-applied')).toBe('include-unknown-enum-members');
      expect(attendeeRole(revealedBody)).toBe('coorganizer');
      expect(lobbyScope(revealedBody)).toBe('invited');

      // Both preferences together are both applied.
      const both = await graph(emu, path, adeleToken, { headers: { prefer: 'include-unknown-enum-members, omit-values=nulls' } });
      expect(both.headers.get('preference-applied')?.split(/,\s*/).sort()).toEqual(['include-unknown-enum-members', 'omit-values=nulls']);
    });

    it('refuses members after the sentinel without the header, and the sentinel itself always (400)', async () => {
      expectGraphFailure(await create(body('coorganizer', 'organization')), v, 400, 'BadRequest', /coorganizer/);
      expectGraphFailure(await create(body('attendee', 'invited')), v, 400, 'BadRequest', /invited/);
      expectGraphFailure(await create(body('unknownFutureValue', 'organization')), v, 400, 'BadRequest', /unknownFutureValue/);
      expectGraphFailure(await create(body('attendee', 'unknownFutureValue'), 'include-unknown-enum-members'), v, 400, 'BadRequest', /unknownFutureValue/);
      expectGraphFailure(await create(body('boss', 'organization'), 'include-unknown-enum-members'), v, 400, 'BadRequest', /boss/);
      // Members before the sentinel need no header.
      expect(lobbyScope(expectGraphOk(await create(body('presenter', 'everyone')), v, MEETING, 201))).toBe('everyone');
    });
  });
});
