import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { demoUser, newMeeting, simulate, type DemoUser } from './support/artifacts.js';
import { clientFailure, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;

const INSIGHT = 'microsoft.graph.callAiInsight';
const INSIGHTS = 'microsoft.graph.callAiInsightCollectionResponse';

describe('meeting AI insights: /copilot/users/{id}/onlineMeetings/{id}/aiInsights', () => {
  let emu: TestEmulator;
  let adele: DemoUser, alex: DemoUser, megan: DemoUser, lee: DemoUser;
  let appToken: string, alexToken: string;
  let meetingId: string;
  let sim: { transcriptId: string | null; callId: string; contentCorrelationId: string };
  let cues: { speaker: string; text: string }[];

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (upn: string): DemoUser => demoUser(emu, upn);
    [adele, alex, megan, lee] = [byName('adele'), byName('alex'), byName('megan'), byName('lee')];
    [appToken, alexToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: alex.id })]);
    meetingId = (await newMeeting(emu, { organizerId: adele.id, subject: 'Insightful', attendeeIds: [alex.id] })).id;
    sim = await simulate(emu, meetingId, { durationMinutes: 15 });
    const res = await fetch(`${emu.url}/v1.0/users/${adele.id}/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`, { headers: { authorization: `Bearer ${appToken}` } });
    cues = [...(await res.text()).matchAll(/<v ([^>]+)>([^<]*)<\/v>/g)].map((m) => ({ speaker: m[1]!, text: m[2]!.replace(/&amp;/g, '&') }));
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists one insight per transcript, metadata only, and gets it with notes and action items quoting the transcript (official client)', async () => {
      const list = (await tokenClient(emu, appToken, v).api(`/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights`).get()) as Json;
      expectGraphType(v, INSIGHTS, list);
      expect(list['@odata.context']).toBe(`${emu.url}/${v}/$metadata#copilot/users('${adele.id}')/onlineMeetings('${meetingId}')/aiInsights`);
      const [meta] = list['value'] as Json[];
      expect(Object.keys(meta!).sort()).toEqual(['callId', 'contentCorrelationId', 'createdDateTime', 'endDateTime', 'id']);
      expect(meta).toMatchObject({ callId: sim.callId, contentCorrelationId: sim.contentCorrelationId });
      const insight = (await tokenClient(emu, appToken, v)
        .api(`/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights/${String(meta!['id'])}`)
        .get()) as Json;
      expectGraphType(v, INSIGHT, insight);
      const notes = insight['meetingNotes'] as { title: string; text: string; subpoints: { text: string }[] }[];
      expect(notes.length).toBeGreaterThan(0);
      const speakers = new Set(cues.map((c) => c.speaker));
      const texts = new Set(cues.map((c) => c.text));
      for (const note of notes) {
        const speaker = note.text.slice(0, note.text.indexOf(' said: '));
        expect(speakers).toContain(speaker);
        expect(texts).toContain(note.text.slice(speaker.length + ' said: '.length));
        for (const sub of note.subpoints) expect(texts).toContain(sub.text);
      }
      for (const item of insight['actionItems'] as { text: string; ownerDisplayName: string }[]) {
        expect(cues).toContainEqual({ speaker: item.ownerDisplayName, text: item.text });
      }
      for (const m of (insight['viewpoint'] as { mentionEvents: { transcriptUtterance: string }[] }).mentionEvents) expect(texts).toContain(m.transcriptUtterance);
    });

    it('serves an attendee through a delegated token, and refuses as Graph does', async () => {
      const mine = expectGraphOk(await graph(emu, `/${v}/copilot/users/${alex.id}/onlineMeetings/${meetingId}/aiInsights`, alexToken), v, INSIGHTS);
      expect(mine['value']).toHaveLength(1);
      // A delegated caller reads only their own insights.
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights`, alexToken), v, 403);
      // Alex grants the demo app no access policy.
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${alex.id}/onlineMeetings/${meetingId}/aiInsights`, appToken), v, 403, 'Forbidden', 'No application access policy found for this app.');
      const noInsights = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      expect((await clientFailure(tokenClient(emu, noInsights, v).api(`/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights`).get())).statusCode).toBe(403);
      // Megan neither organizes nor attends; Lee's path is unknown to the meeting too.
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${megan.id}/onlineMeetings/${meetingId}/aiInsights`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${lee.id}/onlineMeetings/${meetingId}/aiInsights`, await mintToken(emu, { userId: lee.id })), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights/bm9uZQ`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}/copilot/users/${adele.id}/onlineMeetings/${meetingId}/aiInsights?$select=nope`, appToken), v, 400, 'BadRequest');
    });
  });
});
