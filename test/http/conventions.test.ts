import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { expectGraphUser } from '../graph/support/userSchema.js';
import { expectGraphFailure, expectGraphHeaders, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from '../graph/support/http.js';

type Json = Record<string, unknown>;
const MEETING = 'microsoft.graph.onlineMeeting';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A request with a Host header of our choosing (fetch will not send one). */
function withHost(emu: TestEmulator, path: string, host: string, token: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, path, method: 'GET', servername: 'localhost', ca: emu.caCertificate, headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Graph conventions', () => {
  let emu: TestEmulator;
  let adeleId: string;
  let meetingId: string;
  let appToken: string, adeleToken: string;

  beforeAll(async () => {
    // Links follow whatever Host arrives, malformed ones included: let every Host in (the check that
    // refuses unknown names has its own tests, test/admin/exposure.test.ts).
    emu = await startTestEmulator({ allowedHosts: ['*'] });
    adeleId = emu.demo.organizerUserId;
    meetingId = emu.demo.meetingId;
    [appToken, adeleToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: adeleId })]);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('headers and error envelope on %s', (v: Version) => {
    it('answers with a GUID request-id and client-request-id equal to it when the client sent none', async () => {
      const ok = await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`, appToken);
      expectGraphOk(ok, v, MEETING);
      expect(ok.headers.get('request-id')).toMatch(GUID);
      expect(ok.headers.get('client-request-id')).toBe(ok.headers.get('request-id'));
      const again = await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`, appToken);
      expect(again.headers.get('request-id')).not.toBe(ok.headers.get('request-id'));
    });

    it('echoes client-request-id, on success and in innerError', async () => {
      const clientRequestId = '0c4b4c4e-1111-4222-8333-944445555666';
      const ok = await graph(emu, `/${v}/users/${adeleId}`, appToken, { headers: { 'client-request-id': clientRequestId } });
      expect(ok.status).toBe(200);
      expectGraphHeaders(ok, clientRequestId);
      const failed = await graph(emu, `/${v}/users/nobody@contoso.onmicrosoft.com`, appToken, { headers: { 'client-request-id': clientRequestId } });
      const error = expectGraphFailure(failed, v, 404, 'Request_ResourceNotFound');
      expect(error.innerError['client-request-id']).toBe(clientRequestId);
      expect(error.innerError['request-id']).not.toBe(clientRequestId);
    });

    it('sends Graph’s error envelope for 401s, with Graph’s JSON content type', async () => {
      const res = await graph(emu, `/${v}/me`, undefined);
      const error = expectGraphFailure(res, v, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(Object.keys(error).sort()).toEqual(['code', 'innerError', 'message']);
      expect(res.headers.get('content-type')).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
      const broken = await graph(emu, `/${v}/me`, 'not-a-jwt');
      expectGraphFailure(broken, v, 401, 'InvalidAuthenticationToken');
    });
  });

  describe.each(VERSIONS)('OData key syntax and path case on %s', (v: Version) => {
    it("serves users('x'), users(x), users(%27x%27) and users/x alike", async () => {
      const forms = [`users('${adeleId}')`, `users(${adeleId})`, `users(%27${adeleId}%27)`, `users/${adeleId}`, "users('adele.vance@contoso.onmicrosoft.com')"];
      const bodies = [];
      for (const form of forms) {
        const res = await graph(emu, `/${v}/${form}`, appToken);
        expect(res.status, form).toBe(200);
        expectGraphHeaders(res);
        expectGraphUser(res.body);
        bodies.push(res.body);
      }
      for (const body of bodies) expect(body).toEqual(bodies[0]);
    });

    it("serves onlineMeetings('id') and onlineMeetings(%27id%27) as Graph’s own @odata.context writes them", async () => {
      for (const form of [`users('${adeleId}')/onlineMeetings('${meetingId}')`, `users(%27${adeleId}%27)/onlineMeetings(%27${meetingId}%27)`, `users/${adeleId}/onlineMeetings(${meetingId})`]) {
        const body = expectGraphOk(await graph(emu, `/${v}/${form}`, appToken), v, MEETING);
        expect(body['id'], form).toBe(meetingId);
      }
      // The context URL the emulator writes is itself a path it serves.
      const context = String((await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`, appToken)).body['@odata.context']);
      const entityPath = context.split('#')[1]!.replace(/\/\$entity$/, `('${meetingId}')`);
      expect(expectGraphOk(await graph(emu, `/${v}/${entityPath}`, appToken), v, MEETING)['id']).toBe(meetingId);
    });

    it('matches paths without regard to case, but keeps the case of keys', async () => {
      const upper = v.toUpperCase();
      const body = expectGraphOk(await graph(emu, `/${upper}/Users/${adeleId}/OnlineMeetings/${meetingId}`, appToken), v, MEETING);
      expect(body['id']).toBe(meetingId);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adeleId}')/onlineMeetings/$entity`);
      // Meeting ids are base64: another case is another (unknown) meeting.
      const swapped = meetingId.replace(/[a-z]/, (c) => c.toUpperCase());
      expectGraphFailure(await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${swapped}`, appToken), v, 404, 'NotFound');
      const me = await graph(emu, `/${upper}/ME`, adeleToken);
      expect(me.status).toBe(200);
      expectGraphUser(me.body);
      expect(me.body['id']).toBe(adeleId);
    });
  });

  describe.each(VERSIONS)('paths and methods the emulator does not serve, on %s', (v: Version) => {
    it('answers 501 NotImplemented naming the path for an unknown Graph path, token or not', async () => {
      for (const token of [appToken, undefined]) {
        const res = await graph(emu, `/${v}/me/calendar/events?$top=1`, token);
        expectGraphFailure(res, v, 501, 'NotImplemented', new RegExp(`GET /${v.replace('.', '\\.')}/me/calendar/events`));
      }
      const post = await graph(emu, `/${v}/chats`, appToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expectGraphFailure(post, v, 501, 'NotImplemented', /POST \/.*\/chats/);
    });

    it('answers 501 for Graph operations on served paths it does not emulate (update/delete a meeting or user)', async () => {
      const patch = await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`, appToken, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'x' }),
      });
      expectGraphFailure(patch, v, 501, 'NotImplemented', /PATCH/);
      expectGraphFailure(await graph(emu, `/${v}/users/${adeleId}`, appToken, { method: 'DELETE' }), v, 501, 'NotImplemented');
    });

    it('answers 405 with Allow for a method the path never takes', async () => {
      const put = await graph(emu, `/${v}/users/${adeleId}/onlineMeetings/${meetingId}`, appToken, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expectGraphFailure(put, v, 405, 'methodNotAllowed');
      expect(put.headers.get('allow')).toBe('GET, PATCH, DELETE');
      const del = await graph(emu, `/${v}/communications/onlineMeetings`, appToken, { method: 'DELETE' });
      expectGraphFailure(del, v, 405, 'methodNotAllowed');
      expect(del.headers.get('allow')).toBe('GET');
    });
  });

  describe('versions', () => {
    it('refuses an unknown version with 400 "Invalid version"', async () => {
      for (const version of ['v2.0', 'V1.1', 'v1']) {
        const res = await graph(emu, `/${version}/me`, adeleToken);
        expectGraphFailure(res, 'v1.0', 400, 'BadRequest', `Invalid version: ${version}`);
      }
    });
  });

  describe.each(VERSIONS)('request bodies on %s', (v: Version) => {
    const post = (body: string, contentType: string | undefined) =>
      graph(emu, `/${v}/me/onlineMeetings`, adeleToken, { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, body });

    it('refuses malformed JSON with Graph’s 400', async () => {
      for (const body of ['{"subject": ', '{subject: 1}', '[1,2', '{"subject":"x"}}']) {
        expectGraphFailure(await post(body, 'application/json'), v, 400, 'BadRequest', /Unable to read JSON request payload/);
      }
      expectGraphFailure(await post('"just a string"', 'application/json'), v, 400, 'BadRequest');
    });

    it('refuses a body that is not JSON with 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
        const error = expectGraphFailure(await post('subject=x', type), v, 415, 'RequestBodyRead');
        expect(error.message).toContain(`'${type}'`);
      }
      // JSON with parameters is still JSON.
      const ok = await post('{"subject":"typed"}', 'application/json; charset=utf-8; odata.metadata=minimal');
      expect(expectGraphOk(ok, v, MEETING, 201)['subject']).toBe('typed');
    });

    it('refuses an over-large body with 413', async () => {
      const huge = JSON.stringify({ subject: 'x'.repeat(5 * 1024 * 1024) });
      expectGraphFailure(await post(huge, 'application/json'), v, 413, 'RequestEntityTooLarge');
      const health = await fetch(`${emu.url}/_emulator/health`);
      expect(health.status).toBe(200);
    });
  });

  describe('absolute links follow the request’s origin', () => {
    it('builds @odata.context from the host the client used', async () => {
      const viaIp = await fetch(`https://127.0.0.1:${emu.port}/v1.0/users/${adeleId}`, { headers: { authorization: `Bearer ${appToken}` } });
      const body = (await viaIp.json()) as Json;
      expectGraphHeaders(viaIp);
      expectGraphUser(body);
      expect(body['@odata.context']).toBe(`https://127.0.0.1:${emu.port}/v1.0/$metadata#users/$entity`);
      const aliased = await withHost(emu, `/beta/users/${adeleId}/onlineMeetings/${meetingId}`, `graph.contoso.test:${emu.port}`, appToken);
      expect(aliased.status).toBe(200);
      expectGraphType('beta', MEETING, aliased.body);
      expect(aliased.body['@odata.context']).toBe(`https://graph.contoso.test:${emu.port}/beta/$metadata#users('${adeleId}')/onlineMeetings/$entity`);
    });

    it('never echoes a malformed Host into links', async () => {
      const res = await withHost(emu, `/v1.0/users/${adeleId}`, 'evil.test/"><x', appToken);
      expect(res.status).toBe(200);
      expectGraphUser(res.body);
      expect(res.body['@odata.context']).toBe(`https://localhost:${emu.port}/v1.0/$metadata#users/$entity`);
    });

    it('uses the configured public URL when there is one', async () => {
      const proxied = await startTestEmulator({ publicUrl: 'https://graph.example.test:9443/' });
      try {
        // emu.url is the public URL (a proxy that does not exist here): talk to the socket directly.
        const direct = { ...proxied, url: `https://localhost:${proxied.port}` };
        const token = await mintToken(direct);
        const meeting = (await tokenClient(direct, token, 'v1.0').api(`/users/${adeleId}/onlineMeetings/${meetingId}`).get()) as Json;
        expectGraphType('v1.0', MEETING, meeting);
        expect(meeting['@odata.context']).toBe(`https://graph.example.test:9443/v1.0/$metadata#users('${adeleId}')/onlineMeetings/$entity`);
      } finally {
        await proxied.stop();
      }
    });
  });
  describe('Accept: application/json;odata.metadata=none|minimal|full (OData JSON Format 4.01 §3.1)', () => {
    const NONE = 'application/json;odata.metadata=none';
    const FULL = 'application/json;odata.metadata=full';
    const transcripts = (): string => `/users/${adeleId}/onlineMeetings/${meetingId}/transcripts`;
    /** A 200 at another metadata level (expectGraphOk wants the minimal Content-Type), its body the Graph type. */
    const okAt = (res: { status: number; body: Json }, type: string): Json => {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectGraphType('v1.0', type, res.body);
      return res.body;
    };
    /** Every key at any depth. */
    const keysOf = (value: unknown, into: string[] = []): string[] => {
      if (Array.isArray(value)) for (const v of value) keysOf(v, into);
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          into.push(k);
          keysOf(v, into);
        }
      }
      return into;
    };

    it('none (what the CLI for Microsoft 365 sends): no @odata annotations, Content-Type naming the level (official client)', async () => {
      const body = (await tokenClient(emu, appToken).api(transcripts()).header('Accept', NONE).get()) as Json;
      expectGraphType('v1.0', 'microsoft.graph.callTranscriptCollectionResponse', body);
      expect((body['value'] as Json[]).length).toBeGreaterThan(0);
      // The collection's count stays; nothing else does.
      expect(keysOf(body).filter((k) => k.includes('@odata.') && k !== '@odata.count')).toEqual([]);
      const raw = await graph(emu, `/v1.0${transcripts()}`, appToken, { headers: { accept: NONE } });
      expect(raw.headers.get('content-type')).toBe('application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
      expect(raw.body).toEqual(body);
      // The user of a meeting organizer is polymorphic; minimal metadata names its type, none does not.
      const minimal = expectGraphOk(await graph(emu, `/v1.0${transcripts()}`, appToken), 'v1.0', 'microsoft.graph.callTranscriptCollectionResponse');
      expect(keysOf(minimal)).toContain('@odata.type');
      expect(keysOf(minimal)).toContain('@odata.context');
    });

    it('says the body depends on Accept (Vary), at every level, so a shared cache keeps the shapes apart', async () => {
      for (const accept of [undefined, NONE, FULL]) {
        const res = await graph(emu, `/v1.0${transcripts()}`, appToken, accept === undefined ? {} : { headers: { accept } });
        expect(res.status).toBe(200);
        expect(res.headers.get('vary')?.split(/\s*,\s*/)).toContain('Accept');
      }
    });

    it('none keeps next links (of the response and of an expanded collection) and counts', async () => {
      const path = `/v1.0/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions`;
      const record = okAt(await graph(emu, path, appToken, { headers: { accept: NONE, prefer: 'odata.maxpagesize=2' } }), 'microsoft.graph.callRecords.callRecord');
      expect(record['sessions']).toHaveLength(2);
      expect(Object.keys(record).filter((k) => k.includes('@odata.'))).toEqual(['sessions@odata.nextLink']);
      const next = String(record['sessions@odata.nextLink']).slice(emu.url.length);
      const page = okAt(await graph(emu, next, appToken, { headers: { accept: NONE, prefer: 'odata.maxpagesize=2' } }), 'microsoft.graph.callRecords.sessionCollectionResponse');
      expect(Object.keys(page).sort()).toEqual(['@odata.nextLink', 'value']);
      const roles = await mintToken(emu, { roles: ['CallRecord-PstnCalls.Read.All'] });
      const from = new Date(emu.clock.nowMs() - 86_400_000).toISOString();
      const to = new Date(emu.clock.nowMs() + 60_000).toISOString();
      const pstn = okAt(
        await graph(emu, `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${from},toDateTime=${to})`, roles, { headers: { accept: NONE } }),
        'microsoft.graph.callRecords.pstnCallLogRowCollectionResponse',
      );
      expect(Object.keys(pstn)).toEqual(['@odata.count', 'value']);
    });

    it('full: each entity carries @odata.type, @odata.id and @odata.editLink (official client)', async () => {
      const list = (await tokenClient(emu, appToken).api(transcripts()).header('Accept', FULL).get()) as Json;
      expectGraphType('v1.0', 'microsoft.graph.callTranscriptCollectionResponse', list);
      const items = list['value'] as Json[];
      expect(items.length).toBeGreaterThan(0);
      const collection = `${emu.url}/v1.0/users('${adeleId}')/onlineMeetings('${meetingId}')/transcripts`;
      for (const item of items) {
        expect(Object.keys(item).slice(0, 3)).toEqual(['@odata.type', '@odata.id', '@odata.editLink']);
        expect(item).toMatchObject({
          '@odata.type': '#microsoft.graph.callTranscript',
          '@odata.id': `${collection}('${String(item['id'])}')`,
          '@odata.editLink': `${collection}('${String(item['id'])}')`,
        });
      }
      const id = String(items[0]!['id']);
      const res = await graph(emu, `/v1.0${transcripts()}/${id}`, appToken, { headers: { accept: FULL } });
      const one = okAt(res, 'microsoft.graph.callTranscript');
      expect(res.headers.get('content-type')).toBe('application/json;odata.metadata=full;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
      expect(Object.keys(one).slice(0, 4)).toEqual(['@odata.context', '@odata.type', '@odata.id', '@odata.editLink']);
      expect(one['@odata.id']).toBe(`${collection}('${id}')`);
      // A derived type keeps its own @odata.type; a single-valued navigation property is its own id.
      const organizer = okAt(
        await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/organizer_v2`, appToken, { headers: { accept: FULL } }),
        'microsoft.graph.callRecords.organizer',
      );
      expect(organizer).toMatchObject({
        '@odata.type': '#microsoft.graph.callRecords.organizer',
        '@odata.id': `${emu.url}/v1.0/communications/callRecords('${emu.demo.callRecordId}')/organizer_v2`,
      });
    });

    it('minimal for application/json, an unknown level or none at all; the range with the highest q wins', async () => {
      for (const accept of ['application/json', 'application/json;odata.metadata=verbose', '*/*', 'application/json;odata.metadata=none;q=0']) {
        const res = await graph(emu, `/v1.0${transcripts()}`, appToken, { headers: { accept } });
        expect(res.status, accept).toBe(200);
        expectGraphHeaders(res);
        expect(res.body).toHaveProperty('@odata.context');
      }
      const picked = await graph(emu, `/v1.0${transcripts()}`, appToken, { headers: { accept: `${FULL};q=0.5, application/json;Metadata=NONE` } });
      expect(picked.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=none;/);
      expect(picked.body).not.toHaveProperty('@odata.context');
    });
  });
});
