import { PageIterator, type Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { runSeed } from '../../src/seedCommand.js';
import { graphClient } from '../support/clients.js';
import { storeOptions, tlsDir, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { newMeeting, simulate } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
const DELTA = 'microsoft.graph.callRecordingDeltaResponse';
const TRANSCRIPT_DELTA = 'microsoft.graph.callTranscriptDeltaResponse';
const SEEDED = 1_050;
const SEEDED_TRANSCRIPTS = 30;

/** Walk a round with the official PageIterator; returns the ids seen and the round's deltaLink. */
async function round(client: Client, url: string, version: Version = 'v1.0', definition = DELTA): Promise<{ ids: string[]; deltaLink: string; pages: number }> {
  const first = (await client.api(url).get()) as Json;
  expectGraphType(version, definition, first);
  const ids: string[] = [];
  let pages = 1;
  const iterator = new PageIterator(
    client,
    first as never,
    (item: Json) => {
      ids.push(item['id'] as string);
      return true;
    },
    { headers: {} },
  );
  // Count the pages the iterator fetched through its nextLinks.
  const original = client.api.bind(client);
  client.api = ((path: string) => {
    pages++;
    return original(path);
  }) as typeof client.api;
  try {
    await iterator.iterate();
  } finally {
    client.api = original;
  }
  const deltaLink = iterator.getDeltaLink();
  if (deltaLink === undefined) throw new Error('the round ended without a deltaLink');
  return { ids, deltaLink, pages };
}

describe('getAllRecordings / getAllTranscripts and delta', () => {
  let emu: TestEmulator;
  let adele: string, lee: string, megan: string;
  let appToken: string;
  let client: Client;
  const fn = (userId: string, rest = ''): string => `/users/${userId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${userId}')${rest}`;

  beforeAll(async () => {
    // Seeded through the CLI's seed command into the store the emulator then opens.
    const { options, cleanup } = storeOptions(true);
    await runSeed(options, { recordings: SEEDED, transcripts: SEEDED_TRANSCRIPTS, perMeeting: 25, batch: 500, progress: false });
    const started = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    emu = Object.assign(started, {
      stop: async () => {
        await started.close({ dropDatabaseSchema: true });
        cleanup();
      },
    });
    const byName = (n: string): string => emu.demo.users.find((u) => u.userPrincipalName.startsWith(n))!.id;
    [adele, lee, megan] = [byName('adele'), byName('lee'), byName('megan')];
    appToken = await mintToken(emu);
    client = graphClient(emu);
  }, 120_000);
  afterAll(async () => emu.stop());

  it('full sync with the official PageIterator over many pages, then a round that sees only what was added', async () => {
    const first = await round(client, `${fn(adele, '/delta')}?$top=100`);
    // The seeded recordings and the demo meeting's one, each once.
    expect(first.ids.length).toBe(SEEDED + 1);
    expect(new Set(first.ids).size).toBe(SEEDED + 1);
    expect(first.pages).toBe(Math.ceil((SEEDED + 1) / 100));
    expect(first.deltaLink).toContain('/delta?skipToken=');

    const meeting = await newMeeting(emu, { organizerId: adele, subject: 'After the first round' });
    const added = [(await simulate(emu, meeting.id)).recordingId, (await simulate(emu, meeting.id)).recordingId, (await simulate(emu, emu.demo.meetingId)).recordingId];
    // Someone else's recording is not in Adele's view.
    await simulate(emu, (await newMeeting(emu, { organizerId: megan, subject: 'Megan' })).id);
    const second = await round(client, first.deltaLink);
    expect(second.ids).toEqual(added);
    const third = await round(client, second.deltaLink);
    expect(third.ids).toEqual([]);
  });

  it('answers in the seed’s shape: context, count of the page, @odata.type, links with skipToken', async () => {
    for (const v of VERSIONS) {
      const res = await graph(emu, `/${v}${fn(adele, '/delta')}?$top=2`, appToken);
      const body = expectGraphOk(res, v, DELTA);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#Collection(callRecording)`);
      expect(body['@odata.count']).toBe(2);
      const next = body['@odata.nextLink'] as string;
      expect(next.startsWith(`${emu.url}/${v}/users(${adele})/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta?skipToken=`)).toBe(true);
      for (const item of body['value'] as Json[]) {
        expect(item['@odata.type']).toBe('#microsoft.graph.callRecording');
        expect(item['recordingContentUrl']).toMatch(new RegExp(`^${emu.url}/${v}/users/${adele}/onlineMeetings/[^/]+/recordings/[^/]+/content$`));
      }
    }
  });

  it('accepts every URL form clients send: Kiota’s aliases, /delta(), the qualified name, token names in any case', async () => {
    const start = '2000-01-01T00:00:00Z';
    const end = '2999-01-01T00:00:00Z';
    // The Kiota v1.0 SDK's request URL for getAllRecordings.
    const kiota = `/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)?meetingOrganizerUserId=${adele}&startDateTime=${start}&endDateTime=${end}&$top=500`;
    const listed = (await client.api(kiota).get()) as Json;
    expectGraphType('v1.0', 'microsoft.graph.callRecordingCollectionResponse', listed);
    expect((listed['value'] as Json[]).length).toBe(500);
    expect(listed['@odata.nextLink']).toContain(`getAllRecordings(meetingOrganizerUserId='${adele}',startDateTime=2000-01-01T00:00:00.000Z,endDateTime=2999-01-01T00:00:00.000Z)?skipToken=`);
    const all = await round(client, kiota.replace(')?', ')/delta?'));
    expect(all.ids.length).toBeGreaterThanOrEqual(SEEDED + 1);

    const seen = new Set<number>();
    for (const form of ['/delta()', '/microsoft.graph.delta()', '/Microsoft.Graph.delta']) {
      const body = expectGraphOk(await graph(emu, `/v1.0${fn(adele, form)}?$top=1`, appToken), 'v1.0', DELTA);
      seen.add((body['value'] as Json[]).length);
    }
    expect([...seen]).toEqual([1]);
    const byKey = `/v1.0/users('${adele}')/onlineMeetings/microsoft.graph.getAllRecordings(meetingOrganizerUserId='${adele}', startDateTime=2000-01-01T00:00:00Z)/delta?$top=1`;
    const page = expectGraphOk(await graph(emu, byKey, appToken), 'v1.0', DELTA);
    const token = new URL(page['@odata.nextLink'] as string).searchParams.get('skipToken')!;
    for (const name of ['$skiptoken', 'skipToken', '$SkipToken', '$deltatoken', 'deltaToken', 'DELTATOKEN']) {
      const res = await graph(emu, `/v1.0${fn(adele, '/delta')}?${name}=${encodeURIComponent(token)}`, appToken);
      expect((expectGraphOk(res, 'v1.0', DELTA)['value'] as Json[]).length, name).toBe(1);
    }
    // The MeetingOrganizer/User/Id filter is the documented alternative to the parameter.
    const filtered = await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings?$filter=${encodeURIComponent(`MeetingOrganizer/User/Id eq '${adele}'`)}&$top=3`, appToken);
    expect((expectGraphOk(filtered, 'v1.0', 'microsoft.graph.callRecordingCollectionResponse')['value'] as Json[]).length).toBe(3);
  });

  it('honours startDateTime/endDateTime and Prefer: odata.maxpagesize', async () => {
    const everything = await round(client, fn(adele, '/delta'));
    const windowStart = new Date(emu.clock.nowMs() - 5 * 3_600_000).toISOString();
    const recent = await round(client, `/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}',startDateTime=${windowStart})/delta`);
    expect(recent.ids.length).toBeGreaterThan(0);
    expect(recent.ids.length).toBeLessThan(everything.ids.length);
    const windowEnd = new Date(emu.clock.nowMs() - 20 * 3_600_000).toISOString();
    const old = await round(client, `/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}',endDateTime=${windowEnd})/delta`);
    expect(old.ids.length).toBeGreaterThan(0);
    expect(old.ids.length + recent.ids.length).toBeLessThan(everything.ids.length);
    expect(old.ids.some((id) => recent.ids.includes(id))).toBe(false);
    // Prefer: omit-values=nulls drops the null members the stored resources carry.
    const omitted = await graph(emu, `/beta${fn(adele, '/delta')}?$top=2`, appToken, { headers: { prefer: 'omit-values=nulls' } });
    const item = (expectGraphOk(omitted, 'beta', DELTA)['value'] as Json[])[0]!;
    expect(item['meetingOrganizer']).toEqual({ user: expect.objectContaining({ id: adele }) as unknown });
    expect(item['recordingContentUrl']).toMatch(new RegExp(`^${emu.url}/beta/users/`));
    expect(omitted.headers.get('preference-applied')).toBe('omit-values=nulls');
    // The page is sent as bytes the database wrote; other metadata levels reshape it all the same.
    const none = await graph(emu, `/v1.0${fn(adele, '/delta')}?$top=2`, appToken, { headers: { accept: 'application/json;odata.metadata=none' } });
    expect(none.status).toBe(200);
    expect(none.headers.get('content-type')).toMatch(/odata\.metadata=none/);
    expect(none.body['@odata.context']).toBeUndefined();
    const plain = (none.body['value'] as Json[])[0]!;
    expect(plain['@odata.type']).toBeUndefined();
    expect(plain['recordingContentUrl']).toMatch(new RegExp(`^${emu.url}/v1.0/users/`));
    const minimal = await graph(emu, `/v1.0${fn(adele, '/delta')}?$top=2`, appToken);
    expect(Number(minimal.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(minimal.body)));
    const res = await graph(emu, `/v1.0${fn(adele, '/delta')}`, appToken, { headers: { prefer: 'odata.maxpagesize=7' } });
    expect((expectGraphOk(res, 'v1.0', DELTA)['value'] as Json[]).length).toBe(7);
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=7');
  });

  it('pages getAllTranscripts the same way', async () => {
    const all = await round(client, `/users/${adele}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='${adele}')/delta?$top=7`, 'v1.0', TRANSCRIPT_DELTA);
    // Seeded, the demo meeting's, and the three meetings simulated in the first test.
    expect(all.ids.length).toBe(SEEDED_TRANSCRIPTS + 1 + 3);
    const body = expectGraphOk(
      await graph(emu, `/beta/users/${adele}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='${adele}')?$top=2`, appToken),
      'beta',
      'microsoft.graph.callTranscriptCollectionResponse',
    );
    expect(body['@odata.context']).toBe(`${emu.url}/beta/$metadata#Collection(callTranscript)`);
    expect((body['value'] as Json[])[0]!['@odata.type']).toBe('#microsoft.graph.callTranscript');
  });

  describe('errors', () => {
    it('requires meetingOrganizerUserId; bad parameters are 400s', async () => {
      for (const v of VERSIONS) {
        expectGraphFailure(await graph(emu, `/${v}/users/${adele}/onlineMeetings/getAllRecordings/delta`, appToken), v, 400, 'BadRequest', /meetingOrganizerUserId/);
        expectGraphFailure(await graph(emu, `/${v}/users/${adele}/onlineMeetings/getAllRecordings()`, appToken), v, 400, 'BadRequest', /meetingOrganizerUserId/);
      }
      const kiotaWithoutValues = `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)`;
      expectGraphFailure(await graph(emu, kiotaWithoutValues, appToken), 'v1.0', 400, 'BadRequest', /meetingOrganizerUserId/);
      expectGraphFailure(
        await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}',startDateTime=yesterday)`, appToken),
        'v1.0',
        400,
        'BadRequest',
        /Edm.DateTimeOffset/,
      );
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}',colour='blue')`, appToken), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/v1.0${fn(adele)}?$select=id`, appToken), 'v1.0', 400, 'BadRequest', /Select/);
      expectGraphFailure(await graph(emu, `/v1.0${fn(adele)}?$deltatoken=abc`, appToken), 'v1.0', 400, 'BadRequest', /DeltaToken/);
      expectGraphFailure(await graph(emu, `/v1.0${fn(adele)}?$filter=${encodeURIComponent("callId eq 'x'")}`, appToken), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(
        await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='00000000-0000-0000-0000-0000000000aa')`, appToken),
        'v1.0',
        404,
        'Request_ResourceNotFound',
      );
      // Not the function: a meeting id that merely starts with its name.
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordingsX`, appToken), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordingsX%25E2`, appToken), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordingsX%E2`, appToken), 'v1.0', 400, 'BadRequest');
      const unbalanced = await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}'`, appToken);
      expect(unbalanced.status).toBeGreaterThanOrEqual(400);
      expect(unbalanced.status).toBeLessThan(500);
    });

    it('is application-only, needs OnlineMeetingRecording.Read.All and the access policy', async () => {
      const delegated = await mintToken(emu, { userId: adele });
      expectGraphFailure(await graph(emu, `/v1.0${fn(adele, '/delta')}`, delegated), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/v1.0/me/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta`, delegated), 'v1.0', 403, 'Forbidden');
      const transcriptsOnly = await mintToken(emu, { roles: ['OnlineMeetingTranscript.Read.All'] });
      expectGraphFailure(await graph(emu, `/v1.0${fn(adele, '/delta')}`, transcriptsOnly), 'v1.0', 403, 'Forbidden');
      expectGraphOk(
        await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='${adele}')?$top=1`, transcriptsOnly),
        'v1.0',
        'microsoft.graph.callTranscriptCollectionResponse',
      );
      expectGraphFailure(await graph(emu, `/v1.0${fn(lee, '/delta')}`, appToken), 'v1.0', 403, 'Forbidden', 'No application access policy found for this app.');
      // The path user has a policy, the organizer named in the function does not.
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${lee}')`, appToken), 'v1.0', 403, 'Forbidden');
    });

    it('refuses an altered token (400) and one from another round kind', async () => {
      const body = expectGraphOk(await graph(emu, `/v1.0${fn(adele, '/delta')}?$top=1`, appToken), 'v1.0', DELTA);
      const token = new URL(body['@odata.nextLink'] as string).searchParams.get('skipToken')!;
      const [payload = '', signature = ''] = token.split('.');
      const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p: number };
      const forged = `${Buffer.from(JSON.stringify({ ...json, p: 0 })).toString('base64url')}.${signature}`;
      for (const bad of [forged, `${payload}.${signature.slice(0, -2)}AA`, 'not-a-token', `${token}x`]) {
        expectGraphFailure(await graph(emu, `/v1.0${fn(adele, '/delta')}?$skiptoken=${encodeURIComponent(bad)}`, appToken), 'v1.0', 400, 'BadRequest', /state token/);
      }
      // A recordings token is not a transcripts token.
      const transcripts = `/v1.0/users/${adele}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='${adele}')/delta?$skiptoken=${encodeURIComponent(token)}`;
      expectGraphFailure(await graph(emu, transcripts, appToken), 'v1.0', 400, 'BadRequest');
    });

    it('answers a token too old to serve with 410 and a Location that starts a new round', async () => {
      const body = expectGraphOk(await graph(emu, `/v1.0${fn(adele, '/delta')}?$top=1`, appToken), 'v1.0', DELTA);
      await control(emu, 'POST', '/clock', { advance: 'P8D' }, 200);
      const stale = await graph(emu, new URL(body['@odata.nextLink'] as string).pathname + new URL(body['@odata.nextLink'] as string).search, appToken);
      expectGraphFailure(stale, 'v1.0', 410, 'resyncRequired');
      const location = stale.headers.get('location')!;
      expect(location).toBe(`${emu.url}/v1.0/users(${adele})/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta?$deltatoken=`);
      // A stale token of the plain function (no delta) restarts without a $deltatoken.
      const plainToken = new URL(body['@odata.nextLink'] as string).searchParams.get('skipToken')!;
      const plain = await graph(emu, `/v1.0${fn(adele)}?$skiptoken=${encodeURIComponent(plainToken)}`, appToken);
      expectGraphFailure(plain, 'v1.0', 410, 'resyncRequired');
      expect(plain.headers.get('location')).toBe(`${emu.url}/v1.0/users(${adele})/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')`);
      const again = await round(client, location);
      expect(again.ids.length).toBeGreaterThan(SEEDED);
    });

    it('answers a token from before a store reset with 410 (run last: it empties the store)', async () => {
      const deltaLink = new URL((await round(client, `${fn(adele, '/delta')}?$top=1000`)).deltaLink);
      await control(emu, 'POST', '/reset', undefined, 200);
      const token = await mintToken(emu);
      const res = await graph(emu, deltaLink.pathname + deltaLink.search, token);
      expectGraphFailure(res, 'v1.0', 410, 'resyncRequired');
      const fresh = await round(graphClient(emu), res.headers.get('location')!);
      // After the reset only the demo meeting's recording is left.
      expect(fresh.ids.length).toBe(1);
    });
  });
});
