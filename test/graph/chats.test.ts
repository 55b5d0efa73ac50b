import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { demoUser, newMeeting, simulate, type DemoUser } from './support/artifacts.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;

const MESSAGE = 'microsoft.graph.chatMessage';
const MESSAGES = 'microsoft.graph.chatMessageCollectionResponse';

describe('meeting chat: /chats/{chatId}/messages', () => {
  let emu: TestEmulator;
  let adele: DemoUser, alex: DemoUser, megan: DemoUser;
  let appToken: string, adeleToken: string, alexToken: string, meganToken: string;
  let meetingId: string;
  let chatId: string;
  let simulated: { chatId?: string; chatMessageIds?: string[]; callId: string };

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (upn: string): DemoUser => demoUser(emu, upn);
    [adele, alex, megan] = [byName('adele'), byName('alex'), byName('megan')];
    [appToken, adeleToken, alexToken, meganToken] = await Promise.all([
      mintToken(emu),
      mintToken(emu, { userId: adele.id }),
      mintToken(emu, { userId: alex.id }),
      mintToken(emu, { userId: megan.id }),
    ]);
    const meeting = await newMeeting(emu, { organizerId: adele.id, subject: 'Chatty', attendeeIds: [alex.id] });
    meetingId = meeting.id;
    simulated = await simulate(emu, meetingId, {
      durationMinutes: 20,
      chatMessages: [
        { from: adele.id, text: 'Welcome, the deck is in the channel.' },
        { from: alex.userPrincipalName, text: 'Thanks, I will take notes.' },
      ],
    });
    const om = (await tokenClient(emu, appToken).api(`/users/${adele.id}/onlineMeetings/${meetingId}`).get()) as { chatInfo: { threadId: string } };
    chatId = om.chatInfo.threadId;
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists the messages posted during the simulated meeting, newest first, in the meeting’s chatInfo.threadId (official client)', async () => {
      expect(simulated.chatId).toBe(chatId);
      const body = (await tokenClient(emu, appToken, v).api(`/chats/${chatId}/messages`).get()) as Json;
      expectGraphType(v, MESSAGES, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#chats('${encodeURIComponent(chatId)}')/messages`);
      const value = (body['value'] as Json[]).filter((m) => simulated.chatMessageIds!.includes(String(m['id'])));
      expect(value.map((m) => (m['body'] as Json)['content'])).toEqual(['Thanks, I will take notes.', 'Welcome, the deck is in the channel.']);
      expect(value.map((m) => ((m['from'] as Json)['user'] as Json)['id'])).toEqual([alex.id, adele.id]);
      const calls = await control<{ value: { id: string; startedDateTime: string; endedDateTime: string }[] }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/calls`);
      const call = calls.value.find((c) => c.id === simulated.callId)!;
      for (const m of value) {
        expect(m['chatId']).toBe(chatId);
        expect(String(m['createdDateTime']) > call.startedDateTime && String(m['createdDateTime']) < call.endedDateTime).toBe(true);
      }
    });

    it('reads through /me/chats for a member, gets one message, and pages with $top', async () => {
      const mine = expectGraphOk(await graph(emu, `/${v}/me/chats/${encodeURIComponent(chatId)}/messages`, alexToken), v, MESSAGES);
      expect((mine['value'] as Json[]).length).toBeGreaterThanOrEqual(2);
      const id = simulated.chatMessageIds![0]!;
      const one = expectGraphOk(await graph(emu, `/${v}/chats/${encodeURIComponent(chatId)}/messages/${id}`, appToken), v, MESSAGE);
      expect(one).toMatchObject({ id, messageType: 'message', body: { contentType: 'text', content: 'Welcome, the deck is in the channel.' } });
      const first = expectGraphOk(await graph(emu, `/${v}/chats/${encodeURIComponent(chatId)}/messages?$top=1`, appToken), v, MESSAGES);
      expect(first['value']).toHaveLength(1);
      const next = String(first['@odata.nextLink']);
      const second = expectGraphOk(await graph(emu, next.slice(emu.url.length), appToken), v, MESSAGES);
      expect((second['value'] as Json[])[0]!['id']).not.toBe((first['value'] as Json[])[0]!['id']);
      expectGraphFailure(await graph(emu, `/${v}/chats/${encodeURIComponent(chatId)}/messages?$skiptoken=forged`, appToken), v, 400, 'BadRequest');
    });

    it('posts a summary on behalf of a member (delegated ChatMessage.Send), which then lists first', async () => {
      const sent = (await tokenClient(emu, adeleToken, v)
        .api(`/chats/${chatId}/messages`)
        .post({ body: { contentType: 'html', content: `<p>Summary ${v}: ship on Friday.</p>` } })) as Json;
      expectGraphType(v, MESSAGE, sent);
      expect(sent).toMatchObject({ chatId, body: { contentType: 'html', content: `<p>Summary ${v}: ship on Friday.</p>` }, from: { user: { id: adele.id, displayName: adele.displayName } } });
      const listed = expectGraphOk(await graph(emu, `/${v}/chats/${encodeURIComponent(chatId)}/messages?$top=1`, appToken), v, MESSAGES);
      expect((listed['value'] as Json[])[0]!['id']).toBe(sent['id']);
    });

    it('refuses as Graph does: application POST, non-member, missing permission, bad body, unknown chat or message', async () => {
      const appPost = await clientFailure(
        tokenClient(emu, appToken, v)
          .api(`/chats/${chatId}/messages`)
          .post({ body: { content: 'from an app' } }),
      );
      expect(appPost.statusCode).toBe(401);
      expect(appPost.code).toBe('Unauthorized');
      expect(appPost.body.error.message).toMatch(/only for import purposes/);
      const path = `/${v}/chats/${encodeURIComponent(chatId)}/messages`;
      const post = (token: string, body: unknown) => graph(emu, path, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expectGraphFailure(await post(meganToken, { body: { content: 'not a member' } }), v, 403, 'Forbidden');
      expectGraphFailure(await graph(emu, path, meganToken), v, 403, 'Forbidden');
      const readOnly = await mintToken(emu, { userId: adele.id, scopes: ['Chat.Read'] });
      expectGraphFailure(await post(readOnly, { body: { content: 'no send scope' } }), v, 403, 'Forbidden');
      expectGraphFailure(await post(adeleToken, { body: {} }), v, 400, 'BadRequest');
      expectGraphFailure(await post(adeleToken, { body: { content: 'x', contentType: 'markdown' } }), v, 400, 'BadRequest');
      const noChat = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      expectGraphFailure(await graph(emu, path, noChat), v, 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/${v}/chats/${encodeURIComponent('19:meeting_bm9uZQ@thread.v2')}/messages`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `${path}/1`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}/me/chats/${encodeURIComponent(chatId)}/messages`, appToken), v, 400, 'BadRequest');
    });
  });

  it('the simulate endpoint refuses a chat message from someone outside the meeting', async () => {
    const res = await fetch(`${emu.url}/_emulator/meetings/${encodeURIComponent(meetingId)}/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatMessages: [{ from: megan.id, text: 'I was not invited' }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not the organizer or an attendee/);
  });
});
