import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { newMeeting, simulate, type Simulation } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken } from './support/http.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;
/** Graph's seven fractional digits (https://learn.microsoft.com/graph/api/callrecording-get: `2023-04-10T08:13:17.5990966Z`). */
const SEVEN_DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

/**
 * Expired meetings (issue 12 item 11): the artifact APIs work only for a meeting that hasn't expired
 * (https://learn.microsoft.com/graph/api/callrecording-get), 60 days after it ends. getAllRecordings and
 * getAllTranscripts, and their delta, leave such a meeting's artifacts out, so the list never names
 * a recording whose content then answers 404. The clock moves through the control API.
 */
describe('artifacts of expired meetings', () => {
  let emu: TestEmulator;
  let adele: string;
  let old: Simulation, recent: Simulation;
  let oldMeetingId: string;
  let deltaLink: string;
  /** The recordings the first round listed but the expired meeting's: the demo meeting's and `recent`'s. */
  let kept: string[];
  const getAll = (kind: 'Recordings' | 'Transcripts', delta = false): string => `/v1.0/users/${adele}/onlineMeetings/getAll${kind}(meetingOrganizerUserId='${adele}')${delta ? '/delta' : ''}`;
  const ids = (body: Json): string[] => (body['value'] as Json[]).map((r) => String(r['id'])).sort();
  /** A meeting of Adele's that ended `daysAgo` days ago (virtual clock), with a recording and transcript made now. */
  const meetingEnded = async (daysAgo: number, subject: string): Promise<{ meetingId: string; sim: Simulation }> => {
    const end = emu.clock.nowMs() - daysAgo * DAY;
    const meeting = await newMeeting(emu, { organizerId: adele, subject, startDateTime: new Date(end - 3_600_000).toISOString(), endDateTime: new Date(end).toISOString() });
    return { meetingId: meeting.id, sim: await simulate(emu, meeting.id) };
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
    adele = emu.demo.users.find((u) => u.userPrincipalName.startsWith('adele'))!.id;
    // One meeting 58 days over, one just over; three days on, the first has expired (60 days), the second not.
    const first = await meetingEnded(58, 'Fifty-eight days ago');
    oldMeetingId = first.meetingId;
    old = first.sim;
    recent = (await meetingEnded(0, 'Just now')).sim;
    const token = await mintToken(emu);
    // A delta round completed while both were fresh lists both recordings.
    const round = expectGraphOk(await graph(emu, getAll('Recordings', true), token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse');
    expect(ids(round)).toEqual(expect.arrayContaining([old.recordingId, recent.recordingId]));
    deltaLink = String(round['@odata.deltaLink']);
    kept = ids(round).filter((id) => id !== old.recordingId);
    await control(emu, 'POST', '/clock', { advance: 'P3D' }, 200);
  });
  afterAll(async () => emu.stop());

  it('leaves an expired meeting’s recordings and transcripts out of getAllRecordings and getAllTranscripts (official client)', async () => {
    const client = graphClient(emu);
    const recordings = (await client.api(getAll('Recordings').replace('/v1.0', '')).get()) as Json;
    expectGraphType('v1.0', 'microsoft.graph.callRecordingCollectionResponse', recordings);
    expect(ids(recordings)).toEqual(kept);
    expect(recordings['@odata.count']).toBe(kept.length);
    const transcripts = (await client.api(getAll('Transcripts').replace('/v1.0', '')).get()) as Json;
    expectGraphType('v1.0', 'microsoft.graph.callTranscriptCollectionResponse', transcripts);
    expect(ids(transcripts)).toContain(recent.transcriptId);
    expect(ids(transcripts)).not.toContain(old.transcriptId);
    // Every listed item is still served: the list and the content agree.
    const item = (recordings['value'] as Json[]).find((r) => r['id'] === recent.recordingId);
    expect(item!['createdDateTime']).toMatch(SEVEN_DIGITS);
    expect(item!['endDateTime']).toMatch(SEVEN_DIGITS);
    const token = await mintToken(emu);
    const content = await fetch(String(item!['recordingContentUrl']), { headers: { authorization: `Bearer ${token}` } });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('video/mp4');
  });

  it('answers 404 for the expired meeting’s recording, as the list no longer names it', async () => {
    const token = await mintToken(emu);
    const base = `/v1.0/users/${adele}/onlineMeetings/${oldMeetingId}`;
    expectGraphFailure(await graph(emu, `${base}/recordings/${old.recordingId}/content`, token), 'v1.0', 404, 'NotFound', /expired/);
    expectGraphFailure(await graph(emu, `${base}/transcripts/${old.transcriptId}`, token), 'v1.0', 404, 'NotFound', /expired/);
  });

  it('a delta round continued after the expiry adds nothing and needs no resync', async () => {
    const token = await mintToken(emu);
    const body = expectGraphOk(await graph(emu, deltaLink.replace(emu.url, ''), token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse');
    // Additions only, as these functions' delta reports (https://learn.microsoft.com/graph/api/callrecording-delta): no @removed.
    expect(body['value']).toEqual([]);
    expect(body['@odata.deltaLink']).toEqual(expect.any(String));
    // A fresh round no longer lists the expired meeting's recording.
    const fresh = expectGraphOk(await graph(emu, getAll('Recordings', true), token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse');
    expect(ids(fresh)).toEqual(kept);
  });

  it('keeps listing a meeting until it has been over for 60 days', async () => {
    // `recent` ended three days ago: 56 more days keep it, two more expire it.
    await control(emu, 'POST', '/clock', { advance: 'P56D' }, 200);
    let token = await mintToken(emu);
    expect(ids(expectGraphOk(await graph(emu, getAll('Recordings'), token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse'))).toContain(recent.recordingId);
    await control(emu, 'POST', '/clock', { advance: 2 * DAY }, 200);
    token = await mintToken(emu);
    expect(ids(expectGraphOk(await graph(emu, getAll('Recordings'), token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse'))).not.toContain(recent.recordingId);
  });
});
