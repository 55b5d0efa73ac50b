import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
interface CallView {
  id: string;
  callChainId: string;
  state: string;
}
interface RecordView {
  id: string;
  version: number;
  participantCount: number;
  sessionCount: number;
  startDateTime: string;
}

const RECORD = 'microsoft.graph.callRecords.callRecord';
const SESSIONS = 'microsoft.graph.callRecords.sessionCollectionResponse';
const PARTICIPANTS = 'microsoft.graph.callRecords.participantCollectionResponse';
const RECORDS = 'microsoft.graph.callRecords.callRecordCollectionResponse';

/** Every value anywhere in `value` (for "no nulls" and enum checks). */
function walk(value: unknown, visit: (key: string, v: unknown) => void, key = ''): void {
  visit(key, value);
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit, key));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, visit, k);
}

const productFamilies = (body: unknown): Set<string> => {
  const seen = new Set<string>();
  walk(body, (k, v) => {
    if (k === 'productFamily' && typeof v === 'string') seen.add(v);
  });
  return seen;
};

describe('callRecords', () => {
  let emu: TestEmulator;
  let tenant: string;
  let token: string;
  let big: RecordView;
  let bigCall: CallView;

  beforeAll(async () => {
    emu = await startTestEmulator();
    tenant = emu.demo.tenantId;
    token = await mintToken(emu);
    bigCall = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, { meetingId: emu.demo.meetingId });
    big = await control<RecordView>(emu, 'POST', `/calls/${bigCall.id}/callRecord`, { participantCount: 300, sessionCount: 150, modalities: ['audio', 'video'] });
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('GET /communications/callRecords/{id} on %s', (v: Version) => {
    it('serves the demo record as the seed shows it (official client)', async () => {
      const record = (await tokenClient(emu, token, v).api(`/communications/callRecords/${emu.demo.callRecordId}`).get()) as Json;
      expectGraphType(v, RECORD, record);
      expect(record['id']).toBe(emu.demo.callRecordId);
      expect(record['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords/$entity`);
      expect(record['organizer_v2@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords('${emu.demo.callRecordId}')/organizer_v2/$entity`);
      expect(record['participants_v2@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords('${emu.demo.callRecordId}')/participants_v2/$entity`);
      expect(record).toMatchObject({ version: 1, type: 'groupCall', modalities: ['audio', 'video', 'screenSharing'] });
      expect((record['organizer_v2'] as Json)['identity']).toMatchObject({ user: { id: emu.demo.organizerUserId, displayName: 'Adele Vance', tenantId: tenant } });
      expect(record).not.toHaveProperty('sessions');
      expect(record).not.toHaveProperty('participants_v2');
      expect(Object.keys(record).slice(0, 8)).toEqual(['@odata.context', 'version', 'type', 'modalities', 'lastModifiedDateTime', 'startDateTime', 'endDateTime', 'id']);
    });

    it('expands sessions with segments: endpoints, user agents, media streams with ISO 8601 quality figures', async () => {
      const record = (await tokenClient(emu, token, v).api(`/communications/callRecords/${emu.demo.callRecordId}`).expand('sessions($expand=segments)').get()) as Json;
      expectGraphType(v, RECORD, record);
      expect(record['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords(sessions(segments()))/$entity`);
      const sessions = record['sessions'] as Json[];
      expect(sessions).toHaveLength(6);
      expect(record).not.toHaveProperty('sessions@odata.nextLink');
      const first = sessions[0]!;
      expect(first['caller']).toMatchObject({ '@odata.type': '#microsoft.graph.callRecords.participantEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.clientUserAgent' } });
      expect(first['callee']).toMatchObject({ '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent' } });
      const segment = (first['segments'] as Json[])[0]!;
      const media = segment['media'] as Json[];
      expect(media.map((m) => m['label'])).toEqual(['main-audio', 'main-video', 'applicationsharing-video']);
      const stream = (media[0]!['streams'] as Json[])[0]!;
      expect(stream['averageJitter']).toMatch(/^PT\d+(\.\d+)?S$/);
      expect(stream['averageRoundTripTime']).toMatch(/^PT\d+(\.\d+)?S$/);
      expect(typeof stream['averagePacketLossRate']).toBe('number');
      expect(typeof stream['averageAudioDegradation']).toBe('number');
      let feedback = 0;
      walk(sessions, (k) => {
        if (k === 'feedback') feedback++;
      });
      expect(feedback).toBeGreaterThan(0);
    });

    it('expands sessions without segments', async () => {
      const res = await graph(emu, `/${v}/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions`, token);
      const record = expectGraphOk(res, v, RECORD);
      expect(record['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords(sessions())/$entity`);
      expect((record['sessions'] as Json[])[0]).not.toHaveProperty('segments');
    });

    it('$select trims the record and the sessions', async () => {
      const res = await graph(emu, `/${v}/communications/callRecords/${emu.demo.callRecordId}?$select=version,type&$expand=sessions($select=id,modalities)`, token);
      const record = expectGraphOk(res, v, RECORD);
      // The nested $select stays in the context URL (OData 4.01 Protocol, Context URL: Expanded Entity).
      expect(record['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords(version,type,sessions(id,modalities))/$entity`);
      expect(Object.keys(record).sort()).toEqual(['@odata.context', 'id', 'sessions', 'type', 'version']);
      for (const session of record['sessions'] as Json[]) expect(Object.keys(session).sort()).toEqual(['id', 'modalities']);
      const nested = expectGraphOk(await graph(emu, `/${v}/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions($select=id;$expand=segments)`, token), v, RECORD);
      expect(nested['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/callRecords(sessions(id,segments()))/$entity`);
    });
  });

  it('pages 150 sessions by 60 through sessions@odata.nextLink, segments kept (official client follows the links)', async () => {
    const client = tokenClient(emu, token);
    const record = (await client.api(`/communications/callRecords/${big.id}`).expand('sessions($expand=segments)').get()) as Json;
    expectGraphType('v1.0', RECORD, record);
    const ids: string[] = (record['sessions'] as Json[]).map((s) => String(s['id']));
    expect(ids).toHaveLength(60);
    let next = record['sessions@odata.nextLink'] as string | undefined;
    expect(next).toMatch(new RegExp(`^${emu.url}/v1.0/communications/callRecords/${big.id}/sessions\\?\\$expand=segments&\\$skiptoken=`));
    const sizes: number[] = [];
    for (let i = 0; next !== undefined && i < 10; i++) {
      const page = (await client.api(next).get()) as Json;
      expectGraphType('v1.0', SESSIONS, page);
      const items = page['value'] as Json[];
      sizes.push(items.length);
      for (const s of items) expect(s['segments']).toBeInstanceOf(Array);
      ids.push(...items.map((s) => String(s['id'])));
      next = page['@odata.nextLink'] as string | undefined;
    }
    expect(sizes).toEqual([60, 30]);
    expect(new Set(ids).size).toBe(150);
  });

  it('pages 300 participants by 130 through participants_v2@odata.nextLink', async () => {
    const client = tokenClient(emu, token, 'beta');
    const record = (await client.api(`/communications/callRecords/${big.id}`).expand('participants_v2').get()) as Json;
    expectGraphType('beta', RECORD, record);
    expect(record['@odata.context']).toBe(`${emu.url}/beta/$metadata#communications/callRecords(participants_v2())/$entity`);
    const keys = Object.keys(record);
    expect(keys.indexOf('participants_v2@odata.nextLink')).toBeLessThan(keys.indexOf('participants_v2'));
    const ids: string[] = (record['participants_v2'] as Json[]).map((p) => String(p['id']));
    expect(ids).toHaveLength(130);
    let next = record['participants_v2@odata.nextLink'] as string | undefined;
    const sizes: number[] = [];
    for (let i = 0; next !== undefined && i < 10; i++) {
      const page = (await client.api(next).get()) as Json;
      expectGraphType('beta', PARTICIPANTS, page);
      sizes.push((page['value'] as Json[]).length);
      ids.push(...(page['value'] as Json[]).map((p) => String(p['id'])));
      next = page['@odata.nextLink'] as string | undefined;
    }
    expect(sizes).toEqual([130, 40]);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toContain(emu.demo.organizerUserId);
  });

  it('honours Prefer: odata.maxpagesize below the caps and keeps it along the nextLinks', async () => {
    const headers = { prefer: 'odata.maxpagesize=25' };
    const res = await graph(emu, `/v1.0/communications/callRecords/${big.id}?$expand=sessions,participants_v2`, token, { headers });
    const record = expectGraphOk(res, 'v1.0', RECORD);
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=25');
    expect(record['sessions']).toHaveLength(25);
    expect(record['participants_v2']).toHaveLength(25);
    const page = expectGraphOk(await graph(emu, String(record['sessions@odata.nextLink']).slice(emu.url.length), token), 'v1.0', SESSIONS);
    expect(page['value']).toHaveLength(25);
    expect(page['value'] as Json[]).not.toHaveProperty('0.segments');
    // Larger than the cap: the cap wins.
    const capped = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${big.id}?$expand=sessions`, token, { headers: { prefer: 'odata.maxpagesize=500' } }), 'v1.0', RECORD);
    expect(capped['sessions']).toHaveLength(60);
  });

  it('names odata.maxpagesize once in Preference-Applied when the expansions were paged by different sizes', async () => {
    // Participants page by 100 (under their cap of 130), sessions by their cap of 60: the largest size applied is named.
    const res = await graph(emu, `/v1.0/communications/callRecords/${big.id}?$expand=sessions,participants_v2`, token, { headers: { prefer: 'odata.maxpagesize=100, omit-values=nulls' } });
    const record = expectGraphOk(res, 'v1.0', RECORD);
    expect(record['participants_v2']).toHaveLength(100);
    expect(record['sessions']).toHaveLength(60);
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=100, omit-values=nulls');
  });

  it('Prefer: omit-values=nulls drops every null', async () => {
    const res = await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions($expand=segments)`, token, { headers: { prefer: 'omit-values=nulls' } });
    const record = expectGraphOk(res, 'v1.0', RECORD);
    expect(res.headers.get('preference-applied')).toBe('omit-values=nulls');
    let nulls = 0;
    walk(record, (_k, value) => {
      if (value === null) nulls++;
    });
    expect(nulls).toBe(0);
    const plain = (await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions($expand=segments)`, token)).body;
    let plainNulls = 0;
    walk(plain, (_k, value) => {
      if (value === null) plainNulls++;
    });
    expect(plainNulls).toBeGreaterThan(0);
  });

  it('shows azureCommunicationServices only with Prefer: include-unknown-enum-members', async () => {
    const path = `/beta/communications/callRecords/${big.id}?$expand=sessions($expand=segments)`;
    const masked = expectGraphOk(await graph(emu, path, token), 'beta', RECORD);
    expect(productFamilies(masked)).toContain('unknownFutureValue');
    expect(productFamilies(masked)).not.toContain('azureCommunicationServices');
    const res = await graph(emu, path, token, { headers: { prefer: 'include-unknown-enum-members' } });
    const full = expectGraphOk(res, 'beta', RECORD);
    expect(res.headers.get('preference-applied')).toBe('include-unknown-enum-members');
    expect(productFamilies(full)).toContain('azureCommunicationServices');
    expect(productFamilies(full)).not.toContain('unknownFutureValue');
  });

  it('serves a session, its segments and the organizer by path', async () => {
    const sessions = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions`, token), 'v1.0', SESSIONS);
    const sessionId = String((sessions['value'] as Json[])[0]!['id']);
    const session = expectGraphOk(
      await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions/${sessionId}?$expand=segments`, token),
      'v1.0',
      'microsoft.graph.callRecords.session',
    );
    expect(session['id']).toBe(sessionId);
    expect(session['segments']).toBeInstanceOf(Array);
    const segments = expectGraphOk(
      await graph(emu, `/v1.0/communications/callRecords('${emu.demo.callRecordId}')/sessions('${sessionId}')/segments`, token),
      'v1.0',
      'microsoft.graph.callRecords.segmentCollectionResponse',
    );
    expect((segments['value'] as Json[]).length).toBeGreaterThan(0);
    const organizer = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/organizer_v2`, token), 'v1.0', 'microsoft.graph.callRecords.organizer');
    expect(organizer['id']).toBe(emu.demo.organizerUserId);
    expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions/00000000-0000-0000-0000-000000000000`, token), 'v1.0', 404, 'NotFound');
  });

  it('late telemetry bumps version and adds sessions', async () => {
    const call = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, { meetingId: emu.demo.meetingId });
    const made = await control<RecordView>(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 3 });
    expect(made.id).toBe(call.callChainId);
    const before = (await tokenClient(emu, token).api(`/communications/callRecords/${made.id}`).get()) as Json;
    const updated = await control<RecordView>(emu, 'POST', `/tenants/${tenant}/callRecords/${made.id}/lateTelemetry`, { sessions: 2 }, 200);
    expect(updated).toMatchObject({ version: 2, sessionCount: 5 });
    const after = (await tokenClient(emu, token).api(`/communications/callRecords/${made.id}`).expand('sessions').get()) as Json;
    expect(after['version']).toBe(2);
    expect(after['sessions']).toHaveLength(5);
    expect(Date.parse(String(after['lastModifiedDateTime']))).toBeGreaterThanOrEqual(Date.parse(String(before['lastModifiedDateTime'])));
    const ended = await control<CallView[]>(emu, 'GET', `/tenants/${tenant}/calls`).then((r) => (r as unknown as { value: CallView[] }).value.find((c) => c.id === call.id));
    expect(ended?.state).toBe('terminated');
  });

  describe('list', () => {
    it('lists records, never expanded, with $filter on startDateTime and participants_v2', async () => {
      const all = (await tokenClient(emu, token).api('/communications/callRecords').get()) as Json;
      expectGraphType('v1.0', RECORDS, all);
      const ids = (all['value'] as Json[]).map((r) => r['id']);
      expect(ids).toContain(emu.demo.callRecordId);
      expect(ids).toContain(big.id);
      for (const r of all['value'] as Json[]) {
        expect(r).not.toHaveProperty('sessions');
        expect(r).not.toHaveProperty('participants_v2');
        // Each item names its organizer_v2's context, just before it, as the list page's example shows.
        const keys = Object.keys(r);
        expect(r['organizer_v2@odata.context']).toBe(`${emu.url}/v1.0/$metadata#communications/callRecords('${String(r['id'])}')/organizer_v2/$entity`);
        expect(keys.indexOf('organizer_v2@odata.context')).toBe(keys.indexOf('organizer_v2') - 1);
        expect(r).not.toHaveProperty('participants_v2@odata.context');
        expect(r).not.toHaveProperty('@odata.context');
      }
      const start = big.startDateTime;
      const from = (await tokenClient(emu, token).api('/communications/callRecords').filter(`startDateTime ge ${start}`).get()) as Json;
      expect((from['value'] as Json[]).map((r) => r['id'])).toContain(big.id);
      expect((from['value'] as Json[]).map((r) => r['id'])).not.toContain(emu.demo.callRecordId);
      const before = (await tokenClient(emu, token).api('/communications/callRecords').filter(`startDateTime lt ${start} and startDateTime gt 2000-01-01T00:00:00Z`).get()) as Json;
      expect((before['value'] as Json[]).map((r) => r['id'])).not.toContain(big.id);

      const megan = emu.demo.users.find((u) => u.userPrincipalName.startsWith('megan'))!;
      const lee = emu.demo.users.find((u) => u.userPrincipalName.startsWith('lee'))!;
      const withLee = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords?$filter=${encodeURIComponent(`participants_v2/any(p:p/id eq '${lee.id}')`)}`, token), 'v1.0', RECORDS);
      expect((withLee['value'] as Json[]).map((r) => r['id'])).toContain(emu.demo.callRecordId);
      const withMegan = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords?$filter=${encodeURIComponent(`participants_v2/any(p:p/id eq '${megan.id}')`)}`, token), 'v1.0', RECORDS);
      expect(withMegan['value']).toEqual([]);
    });

    it('pages the list with Prefer: odata.maxpagesize and $select', async () => {
      const res = await graph(emu, '/v1.0/communications/callRecords?$select=id,version', token, { headers: { prefer: 'odata.maxpagesize=1' } });
      const page = expectGraphOk(res, 'v1.0', RECORDS);
      expect(page['@odata.context']).toBe(`${emu.url}/v1.0/$metadata#communications/callRecords(id,version)`);
      expect(page['value']).toHaveLength(1);
      expect(Object.keys((page['value'] as Json[])[0]!).sort()).toEqual(['id', 'version']);
      const seen = [String((page['value'] as Json[])[0]!['id'])];
      let next = page['@odata.nextLink'] as string | undefined;
      for (let i = 0; next !== undefined && i < 20; i++) {
        const more = (await tokenClient(emu, token).api(next).get()) as Json;
        seen.push(...(more['value'] as Json[]).map((r) => String(r['id'])));
        next = more['@odata.nextLink'] as string | undefined;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(big.id);
    });

    it.each([
      ['$filter=version eq 1', 'Invalid filter clause'],
      ['$filter=startDateTime eq 2024-01-01T00:00:00Z', 'Invalid filter clause'],
      ["$filter=startDateTime ge 'yesterday'", 'Invalid filter clause'],
      ["$filter=participants_v2/any(p:p/id ne 'x')", 'Invalid filter clause'],
      ['$expand=sessions', "Query option 'Expand' is not allowed"],
      ['$top=5', "Query option 'Top' is not allowed"],
      ['$select=nope', "Could not find a property named 'nope'"],
      ['$skiptoken=abc', 'skiptoken is invalid'],
    ])('refuses %s', async (query, message) => {
      const res = await graph(emu, `/v1.0/communications/callRecords?${query.replace(/ /g, '%20')}`, token);
      expectGraphFailure(res, 'v1.0', 400, 'BadRequest', new RegExp(message.replace(/[$()]/g, '\\$&')));
    });
  });

  describe('errors', () => {
    it('404 for an unknown record, 403 without CallRecords.Read.All, 403 for delegated tokens, 401 without a token', async () => {
      const unknown = await clientFailure(tokenClient(emu, token).api('/communications/callRecords/11111111-2222-3333-4444-555555555555').get());
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body.error.code).toBe('NotFound');
      const noRole = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, noRole), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(await graph(emu, '/v1.0/communications/callRecords', noRole), 'v1.0', 403, 'Forbidden');
      const delegated = await mintToken(emu, { userId: emu.demo.organizerUserId, scopes: ['CallRecords.Read.All'] });
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, delegated), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, undefined), 'v1.0', 401, 'InvalidAuthenticationToken');
    });

    it('another tenant cannot see the record', async () => {
      const other = await control<{ id: string }>(emu, 'POST', '/tenants', { displayName: 'Fabrikam' });
      const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${other.id}/apps`, { displayName: 'Fabrikam app', applicationPermissions: ['CallRecords.Read.All'] });
      const foreign = await mintToken(emu, { clientId: app.clientId });
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, foreign), 'v1.0', 404, 'NotFound');
    });

    it.each([
      ['$select=nope', "Could not find a property named 'nope' on type 'microsoft.graph.callRecords.callRecord'."],
      ['$expand=nope', "Could not find a property named 'nope' on type 'microsoft.graph.callRecords.callRecord'."],
      ['$expand=participants_v2($select=id)', '$select and $expand are only supported for callRecord and session.'],
      ['$expand=sessions($expand=segments($select=id))', '$select and $expand are not supported on segments.'],
      ['$expand=sessions($select=bogus)', "Could not find a property named 'bogus' on type 'microsoft.graph.callRecords.session'."],
      ['$expand=sessions($top=5)', "The query specified in the URI is not valid. Query option 'Top' is not allowed inside $expand=sessions."],
      [
        '$filter=version eq 1',
        "The query specified in the URI is not valid. Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
      ],
      ['$expand=organizer_v2($select=id)', '$select and $expand are only supported for callRecord and session.'],
      ['$expand=sessions($expand=nope)', "Could not find a property named 'nope' on type 'microsoft.graph.callRecords.session'."],
    ])('GET by id refuses %s', async (query, message) => {
      const res = await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}?${query.replace(/ /g, '%20')}`, token);
      expectGraphFailure(res, 'v1.0', 400, 'BadRequest', message);
    });

    it.each([
      ['sessions?$expand=segments($select=id)', '$select and $expand are not supported on segments.'],
      ['sessions?$select=bogus', "Could not find a property named 'bogus' on type 'microsoft.graph.callRecords.session'."],
      ['sessions?$filter=isTest eq false', "Query option 'Filter' is not allowed"],
      ['participants_v2?$select=id', "Query option 'Select' is not allowed"],
      ['organizer_v2?$select=id', "Query option 'Select' is not allowed"],
      ['sessions/00000000-0000-0000-0000-000000000000/segments', "The session '00000000-0000-0000-0000-000000000000' was not found."],
    ])('nested paths refuse %s', async (rest, message) => {
      const res = await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/${rest.replace(/ /g, '%20')}`, token);
      const status = message.includes('not found') ? 404 : 400;
      expectGraphFailure(res, 'v1.0', status, status === 404 ? 'NotFound' : 'BadRequest', new RegExp(message.replace(/[$()]/g, '\\$&')));
    });

    it('refuses tampered page tokens and tokens of another record', async () => {
      const record = (await graph(emu, `/v1.0/communications/callRecords/${big.id}?$expand=sessions`, token)).body;
      const link = new URL(String(record['sessions@odata.nextLink']));
      const skip = link.searchParams.get('$skiptoken')!;
      // Change the first character: all six of its bits count (the last one's low bits are padding, and may not).
      const tampered = `${skip.startsWith('A') ? 'B' : 'A'}${skip.slice(1)}`;
      expect(tampered).not.toBe(skip);
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${big.id}/sessions?$skiptoken=${encodeURIComponent(tampered)}`, token), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions?$skiptoken=${encodeURIComponent(skip)}`, token), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${big.id}/participants_v2?$skiptoken=${encodeURIComponent(skip)}`, token), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${big.id}/participants_v2?$skiptoken=x.y.z`, token), 'v1.0', 400, 'BadRequest');
    });

    it('control API: bad sizes, unknown calls and records', async () => {
      const call = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, {});
      await control(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 0 }, 400);
      await control(emu, 'POST', `/calls/${call.id}/callRecord`, { participantCount: 100000 }, 400);
      await control(emu, 'POST', `/calls/${call.id}/callRecord`, { bogus: 1 }, 400);
      await control(emu, 'POST', '/calls/nope/callRecord', {}, 404);
      await control(emu, 'POST', `/tenants/${tenant}/callRecords/nope/lateTelemetry`, { sessions: 1 }, 404);
      await control(emu, 'GET', `/tenants/${tenant}/callRecords/nope`, undefined, 404);
      await control(emu, 'POST', `/tenants/${tenant}/calls`, { meetingId: 'nope' }, 404);
      // An ad hoc call with nobody named still gets a (peer-to-peer) record.
      const made = await control<RecordView>(emu, 'POST', `/calls/${call.id}/callRecord`, {});
      const record = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${made.id}?$expand=sessions($expand=segments),participants_v2`, token), 'v1.0', RECORD);
      expect(record['organizer_v2']).toBeNull();
      expect(record['type']).toBe('peerToPeer');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${made.id}/organizer_v2`, token), 'v1.0', 404, 'NotFound');
      await control(emu, 'POST', `/calls/${call.id}/callRecord`, {}, 409);
    });
  });

  describe('getPstnCalls / getDirectRoutingCalls', () => {
    let from: string;
    let to: string;
    beforeAll(async () => {
      await control(emu, 'POST', `/tenants/${tenant}/pstnCalls`, { kind: 'pstn', count: 12, withinHours: 6 });
      await control(emu, 'POST', `/tenants/${tenant}/pstnCalls`, { kind: 'directRouting', count: 7, withinHours: 6 });
      const now = emu.clock.nowMs();
      from = new Date(now - 7 * 3_600_000).toISOString();
      to = new Date(now + 60_000).toISOString();
    });

    it.each(VERSIONS)('returns the simulated PSTN calls on %s (official client)', async (v) => {
      const body = (await tokenClient(emu, token, v).api(`/communications/callRecords/getPstnCalls(fromDateTime=${from},toDateTime=${to})`).get()) as Json;
      expectGraphType(v, 'microsoft.graph.callRecords.pstnCallLogRowCollectionResponse', body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)`);
      expect(body['@odata.count']).toBe(12);
      expect(body['value']).toHaveLength(12);
      expect((body['value'] as Json[])[0]).toMatchObject({ callType: 'user_out', currency: 'USD', callDurationSource: 'microsoft' });
    });

    it('returns the Direct Routing calls, with the namespace-qualified name too', async () => {
      const res = await graph(emu, `/v1.0/communications/callRecords/microsoft.graph.callRecords.getDirectRoutingCalls(fromDateTime=${from},toDateTime=${to})`, token);
      const body = expectGraphOk(res, 'v1.0', 'microsoft.graph.callRecords.directRoutingLogRowCollectionResponse');
      expect(body['value']).toHaveLength(7);
      const outside = expectGraphOk(
        await graph(emu, '/v1.0/communications/callRecords/getDirectRoutingCalls(fromDateTime=2020-01-01,toDateTime=2020-02-01)', token),
        'v1.0',
        'microsoft.graph.callRecords.directRoutingLogRowCollectionResponse',
      );
      expect(outside['value']).toEqual([]);
    });

    it('pages more than 1000 rows by $skip, @odata.count the rows on the page, as the docs’ example shows; takes $top and $skip', async () => {
      const other = await control<{ id: string }>(emu, 'POST', '/tenants', { displayName: 'Busy Line' });
      await control(emu, 'POST', `/tenants/${other.id}/users`, { userPrincipalName: 'caller@busyline.example', displayName: 'Caller' });
      const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${other.id}/apps`, { displayName: 'Reports', applicationPermissions: ['CallRecord-PstnCalls.Read.All'] });
      await control(emu, 'POST', `/tenants/${other.id}/pstnCalls`, { kind: 'pstn', count: 1234, withinHours: 5 });
      const reader = await mintToken(emu, { clientId: app.clientId });
      const client = tokenClient(emu, reader);
      const fn = `/communications/callRecords/getPstnCalls(fromDateTime=${from},toDateTime=${to})`;
      const first = (await client.api(fn).get()) as Json;
      expect(first['@odata.count']).toBe(1000);
      expect(first['value']).toHaveLength(1000);
      const next = String(first['@odata.nextLink']);
      expect(next).toBe(`${emu.url}/v1.0${fn}?$skip=1000`);
      const second = (await client.api(next).get()) as Json;
      expectGraphType('v1.0', 'microsoft.graph.callRecords.pstnCallLogRowCollectionResponse', second);
      expect(second['@odata.count']).toBe(234);
      expect(second['value']).toHaveLength(234);
      expect(second).not.toHaveProperty('@odata.nextLink');
      const all = [...(first['value'] as Json[]), ...(second['value'] as Json[])].map((r) => r['id']);
      expect(new Set(all).size).toBe(1234);

      // $top sets the page size and stays on the next link; $skip starts further on.
      const small = (await client.api(fn).top(5).skip(1230).get()) as Json;
      expect(small['@odata.count']).toBe(4);
      expect((small['value'] as Json[]).map((r) => r['id'])).toEqual(all.slice(1230));
      expect(small).not.toHaveProperty('@odata.nextLink');
      const paged = (await client.api(fn).top(5).skip(10).get()) as Json;
      expect(paged['@odata.count']).toBe(5);
      expect((paged['value'] as Json[]).map((r) => r['id'])).toEqual(all.slice(10, 15));
      expect(paged['@odata.nextLink']).toBe(`${emu.url}/v1.0${fn}?$skip=15&$top=5`);
      for (const [query, message] of [
        ['$skip=-1', /\$skip query option requires a non-negative integer/],
        ['$skip=x', /\$skip query option requires a non-negative integer/],
        ['$top=0', /Invalid page size/],
        ['$skiptoken=abc', /Query option 'SkipToken' is not allowed/],
      ] as const) {
        expectGraphFailure(await graph(emu, `/v1.0${fn}?${query}`, reader), 'v1.0', 400, 'BadRequest', message);
      }
      await control(emu, 'POST', `/tenants/${other.id}/pstnCalls`, { kind: 'pstn', count: 0 }, 400);
    });

    it('checks permissions and parameters', async () => {
      const pstnOnly = await mintToken(emu, { roles: ['CallRecord-PstnCalls.Read.All'] });
      expectGraphOk(
        await graph(emu, `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${from},toDateTime=${to})`, pstnOnly),
        'v1.0',
        'microsoft.graph.callRecords.pstnCallLogRowCollectionResponse',
      );
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/getDirectRoutingCalls(fromDateTime=${from},toDateTime=${to})`, pstnOnly), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${from})`, token), 'v1.0', 400, 'BadRequest', /'toDateTime' is required/);
      expectGraphFailure(
        await graph(emu, '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=yesterday,toDateTime=2020-01-01)', token),
        'v1.0',
        400,
        'BadRequest',
        /not a valid Edm.DateTimeOffset/,
      );
      expectGraphFailure(await graph(emu, '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2020-02-01,toDateTime=2020-01-01)', token), 'v1.0', 400, 'BadRequest', /later than/);
      expectGraphFailure(await graph(emu, '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2020-01-01,toDateTime=2020-06-01)', token), 'v1.0', 400, 'BadRequest', /90 days/);
      expectGraphFailure(await graph(emu, '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2020-01-01,toDateTime=2020-01-02,extra=1)', token), 'v1.0', 400, 'BadRequest', /not defined/);
      expectGraphFailure(await graph(emu, '/v1.0/communications/callRecords/getSmsLogs(fromDateTime=2020-01-01,toDateTime=2020-01-02)', token), 'v1.0', 501, 'NotImplemented');
    });
  });
});
