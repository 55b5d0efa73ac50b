import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { demoUser, type ControlMeeting, type DemoUser } from './support/artifacts.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;

const EVENT = 'microsoft.graph.event';
const EVENTS = 'microsoft.graph.eventCollectionResponse';
const DELTA = 'microsoft.graph.eventDeltaResponse';

describe('calendar: events, calendarView and its delta', () => {
  let emu: TestEmulator;
  let tenant: string;
  let adele: DemoUser, alex: DemoUser, megan: DemoUser, lee: DemoUser;
  let appToken: string, alexToken: string, adeleToken: string;
  let weekly: ControlMeeting;

  const eventsOf = async (v: Version, path: string, token: string): Promise<Json[]> => {
    const res = await graph(emu, `/${v}${path}`, token);
    return expectGraphOk(res, v, EVENTS)['value'] as Json[];
  };
  const byJoinUrl = (events: Json[], url: string): Json | undefined => events.find((e) => (e['onlineMeeting'] as Json | null)?.['joinUrl'] === url);

  beforeAll(async () => {
    emu = await startTestEmulator();
    tenant = emu.demo.tenantId;
    const byName = (upn: string): DemoUser => demoUser(emu, upn);
    [adele, alex, megan, lee] = [byName('adele'), byName('alex'), byName('megan'), byName('lee')];
    [appToken, alexToken, adeleToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: alex.id }), mintToken(emu, { userId: adele.id })]);
    const meetings = (await control<{ value: ControlMeeting[] }>(emu, 'GET', `/tenants/${tenant}/meetings`)).value;
    weekly = meetings.find((m) => m.id === emu.demo.meetingId)!;
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists the organizer’s meetings as online-meeting events consistent with the onlineMeeting (official client)', async () => {
      const body = (await tokenClient(emu, appToken, v).api(`/users/${adele.id}/events`).get()) as Json;
      expectGraphType(v, EVENTS, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/events`);
      const event = byJoinUrl(body['value'] as Json[], weekly.joinWebUrl);
      expect(event).toBeDefined();
      const meeting = (await tokenClient(emu, appToken, v).api(`/users/${adele.id}/onlineMeetings/${weekly.id}`).get()) as Json;
      const participants = meeting['participants'] as { organizer: { upn: string }; attendees: { upn: string }[] };
      expect(event).toMatchObject({ subject: meeting['subject'], isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness', isOrganizer: true, type: 'singleInstance' });
      expect((event!['organizer'] as { emailAddress: { address: string } }).emailAddress.address.toLowerCase()).toBe(participants.organizer.upn.toLowerCase());
      expect((event!['attendees'] as { emailAddress: { address: string } }[]).map((a) => a.emailAddress.address).sort()).toEqual(participants.attendees.map((a) => a.upn).sort());
      expect(event!['start']).toEqual({ dateTime: `${weekly.startDateTime.slice(0, 19)}.0000000`, timeZone: 'UTC' });
      expect(event!['end']).toEqual({ dateTime: `${weekly.endDateTime.slice(0, 19)}.0000000`, timeZone: 'UTC' });
    });

    it('gets an attendee’s copy of the event through /me with a delegated token, with its own id', async () => {
      const alexEvents = await eventsOf(v, '/me/events', alexToken);
      const mine = byJoinUrl(alexEvents, weekly.joinWebUrl)!;
      expect(mine).toMatchObject({ isOrganizer: false, responseStatus: { response: 'none' } });
      const adeleEvent = byJoinUrl(await eventsOf(v, `/users/${adele.id}/events`, appToken), weekly.joinWebUrl)!;
      expect(mine['id']).not.toBe(adeleEvent['id']);
      const got = (await tokenClient(emu, alexToken, v)
        .api(`/me/events/${String(mine['id'])}`)
        .get()) as Json;
      expectGraphType(v, EVENT, got);
      expect(got['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${alex.id}')/events/$entity`);
      expect(got).toEqual({ ...mine, '@odata.context': got['@odata.context'] });
    });

    it('shows meetings made through the control API and through Graph as events', async () => {
      const viaControl = await control<ControlMeeting>(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: lee.id, subject: `Lee ${v}`, attendeeIds: [megan.id] });
      const viaGraph = (await tokenClient(emu, appToken, v)
        .api(`/users/${megan.id}/onlineMeetings`)
        .post({ subject: `Megan ${v}`, startDateTime: '2031-01-02T10:00:00Z', endDateTime: '2031-01-02T11:00:00Z' })) as Json;
      expect(byJoinUrl(await eventsOf(v, `/users/${lee.id}/events?$top=1000`, appToken), viaControl.joinWebUrl)).toMatchObject({ subject: `Lee ${v}`, isOrganizer: true });
      const meganEvents = await eventsOf(v, `/users/${megan.id}/events?$top=1000`, appToken);
      expect(byJoinUrl(meganEvents, viaControl.joinWebUrl)).toMatchObject({ isOrganizer: false });
      expect(byJoinUrl(meganEvents, String(viaGraph['joinWebUrl']))).toMatchObject({ subject: `Megan ${v}`, start: { dateTime: '2031-01-02T10:00:00.0000000', timeZone: 'UTC' } });
    });

    it('pages events with $top and follows nextLink to the same set (PageIterator)', async () => {
      const all = await eventsOf(v, `/users/${adele.id}/events?$top=1000`, appToken);
      expect(all.length).toBeGreaterThan(1);
      const first = (await tokenClient(emu, appToken, v).api(`/users/${adele.id}/events?$top=1&$select=subject,onlineMeeting`).get()) as Json;
      expect(first['@odata.nextLink']).toMatch(new RegExp(`^${emu.url}/${v}/users/${adele.id}/events\\?`));
      const ids: string[] = [];
      await new PageIterator(tokenClient(emu, appToken, v), first as never, (e: Json) => {
        expect(Object.keys(e).sort()).toEqual(['id', 'onlineMeeting', 'subject']);
        ids.push(String(e['id']));
        return true;
      }).iterate();
      expect(ids).toEqual(all.map((e) => e['id']));
    });

    it('calendarView returns the events overlapping the window, and refuses a missing or bad window', async () => {
      const start = new Date(Date.parse(weekly.startDateTime) - 60_000).toISOString();
      const end = new Date(Date.parse(weekly.startDateTime) + 60_000).toISOString();
      const inside = await eventsOf(v, `/users/${adele.id}/calendarView?startDateTime=${start}&endDateTime=${end}`, appToken);
      expect(byJoinUrl(inside, weekly.joinWebUrl)).toBeDefined();
      const after = new Date(Date.parse(weekly.endDateTime) + 1_000).toISOString();
      const outside = await eventsOf(v, `/users/${adele.id}/calendarView?startDateTime=${after}&endDateTime=${new Date(Date.parse(after) + 60_000).toISOString()}`, appToken);
      expect(byJoinUrl(outside, weekly.joinWebUrl)).toBeUndefined();
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}/calendarView`, appToken), v, 400, 'ErrorInvalidParameter', /StartDateTime and EndDateTime/);
      expectGraphFailure(await graph(emu, `/${v}/me/calendarView?startDateTime=yesterday&endDateTime=${end}`, adeleToken), v, 400, 'ErrorInvalidParameter', /StartDateTime/);
    });

    it('calendarView/delta: a paged first round, then only the events added since, then nothing', async () => {
      // Each version syncs a month of its own (both share one emulator).
      const month = v === 'v1.0' ? '03' : '04';
      const window = `startDateTime=2032-${month}-01T00:00:00Z&endDateTime=2032-${month}-30T00:00:00Z`;
      for (const day of ['02', '03', '04']) {
        await control(emu, 'POST', `/tenants/${tenant}/meetings`, {
          organizerId: alex.id,
          subject: `Delta ${v} ${day}`,
          startDateTime: `2032-${month}-${day}T09:00:00Z`,
          endDateTime: `2032-${month}-${day}T09:30:00Z`,
        });
      }
      const seen: string[] = [];
      let url = `/${v}/me/calendarView/delta?${window}`;
      let deltaLink: string | undefined;
      for (let i = 0; i < 10 && deltaLink === undefined; i++) {
        const res = await graph(emu, url, alexToken, { headers: { Prefer: 'odata.maxpagesize=2' } });
        const body = expectGraphOk(res, v, DELTA);
        expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#Collection(event)`);
        seen.push(...(body['value'] as Json[]).map((e) => String(e['subject'])));
        const next = body['@odata.nextLink'] as string | undefined;
        deltaLink = body['@odata.deltaLink'] as string | undefined;
        if (next !== undefined) url = next.slice(emu.url.length);
      }
      expect(seen).toEqual([`Delta ${v} 02`, `Delta ${v} 03`, `Delta ${v} 04`]);
      expect(deltaLink).toMatch(new RegExp(`^${emu.url}/${v}/me/calendarView/delta\\?\\$deltatoken=`));
      await control(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: megan.id, subject: `Delta ${v} added`, startDateTime: `2032-${month}-10T09:00:00Z`, attendeeIds: [alex.id] });
      await control(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: megan.id, subject: `Delta ${v} elsewhere`, startDateTime: '2032-06-10T09:00:00Z', attendeeIds: [alex.id] });
      const second = expectGraphOk(await graph(emu, deltaLink!.slice(emu.url.length), alexToken), v, DELTA);
      expect((second['value'] as Json[]).map((e) => e['subject'])).toEqual([`Delta ${v} added`]);
      const third = expectGraphOk(await graph(emu, String(second['@odata.deltaLink']).slice(emu.url.length), alexToken), v, DELTA);
      expect(third['value']).toEqual([]);
      // A token is signed: an altered one, or one for another user's calendar, is refused.
      const token = new URL(deltaLink!).searchParams.get('$deltatoken')!;
      expectGraphFailure(await graph(emu, `/${v}/me/calendarView/delta?$deltatoken=${encodeURIComponent(`x${token}`)}`, alexToken), v, 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/${v}/me/calendarView/delta?$deltatoken=${encodeURIComponent(token)}`, adeleToken), v, 400, 'BadRequest');
      expectGraphFailure(await graph(emu, `/${v}/me/calendarView/delta`, alexToken), v, 400, 'ErrorInvalidParameter');
    });

    it('calendarView/delta reports a deleted meeting as @removed (reason deleted) with the event id it had, through the official client and a paged round', async () => {
      const month = v === 'v1.0' ? '07' : '08';
      const made: ControlMeeting[] = [];
      for (const day of ['05', '06', '07']) {
        made.push(
          await control<ControlMeeting>(emu, 'POST', `/tenants/${tenant}/meetings`, {
            organizerId: megan.id,
            subject: `Removed ${v} ${day}`,
            startDateTime: `2032-${month}-${day}T09:00:00Z`,
            endDateTime: `2032-${month}-${day}T09:30:00Z`,
            attendeeIds: [alex.id],
          }),
        );
      }
      const client = tokenClient(emu, alexToken, v);
      const first = (await client.api(`/me/calendarView/delta?startDateTime=2032-${month}-01T00:00:00Z&endDateTime=2032-${month}-28T00:00:00Z`).get()) as Json;
      const held = new Map((first['value'] as Json[]).map((e) => [String(e['subject']), String(e['id'])]));
      expect([...held.keys()]).toEqual([`Removed ${v} 05`, `Removed ${v} 06`, `Removed ${v} 07`]);
      await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${made[0]!.id}`, undefined, 204);
      await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${made[2]!.id}`, undefined, 204);
      const deltaPath = String(first['@odata.deltaLink']).slice(`${emu.url}/${v}`.length);
      // Paged: one entry a page, the held events carried on the skip tokens.
      const removed: Json[] = [];
      let url: string | undefined = `/${v}${deltaPath}`;
      let last: Json = {};
      for (let i = 0; i < 10 && url !== undefined; i++) {
        last = expectGraphOk(await graph(emu, url, alexToken, { headers: { Prefer: 'odata.maxpagesize=1' } }), v, DELTA);
        removed.push(...(last['value'] as Json[]));
        const next = last['@odata.nextLink'] as string | undefined;
        url = next === undefined ? undefined : next.slice(emu.url.length);
      }
      expect(removed).toEqual([
        { '@odata.type': '#microsoft.graph.event', id: held.get(`Removed ${v} 05`), '@removed': { reason: 'deleted' } },
        { '@odata.type': '#microsoft.graph.event', id: held.get(`Removed ${v} 07`), '@removed': { reason: 'deleted' } },
      ]);
      // Once reported, a removal is not reported again; the deleted event is gone from GET too.
      const after = (await client.api(String(last['@odata.deltaLink']).slice(`${emu.url}/${v}`.length)).get()) as Json;
      expect(after['value']).toEqual([]);
      expect((await clientFailure(client.api(`/me/events/${held.get(`Removed ${v} 05`)!}`).get())).statusCode).toBe(404);
    });

    it('writes start and end in the zone of Prefer: outlook.timezone (Windows or IANA name), and refuses a zone Outlook does not know', async () => {
      const year = v === 'v1.0' ? '2034' : '2035';
      const made = await control<ControlMeeting>(emu, 'POST', `/tenants/${tenant}/meetings`, {
        organizerId: lee.id,
        subject: `Zones ${v}`,
        // Winter in California (UTC-8), summer in Sydney (UTC+11); India is +05:30 all year.
        startDateTime: `${year}-01-10T17:00:00Z`,
        endDateTime: `${year}-01-10T17:45:00Z`,
        attendeeIds: [alex.id],
      });
      const window = `startDateTime=${year}-01-10T00:00:00Z&endDateTime=${year}-01-11T00:00:00Z`;
      const client = tokenClient(emu, alexToken, v);
      const view = async (zone: string): Promise<Json> => {
        const body = (await client.api(`/me/calendarView?${window}`).header('Prefer', `outlook.timezone="${zone}"`).get()) as Json;
        const [event] = (body['value'] as Json[]).filter((e) => e['subject'] === `Zones ${v}`);
        expectGraphType(v, EVENT, event);
        return event!;
      };
      expect(await view('Pacific Standard Time')).toMatchObject({
        start: { dateTime: `${year}-01-10T09:00:00.0000000`, timeZone: 'Pacific Standard Time' },
        end: { dateTime: `${year}-01-10T09:45:00.0000000`, timeZone: 'Pacific Standard Time' },
        originalStartTimeZone: 'UTC',
      });
      expect(await view('AUS Eastern Standard Time')).toMatchObject({ start: { dateTime: `${year}-01-11T04:00:00.0000000`, timeZone: 'AUS Eastern Standard Time' } });
      expect(await view('Asia/Kolkata')).toMatchObject({ start: { dateTime: `${year}-01-10T22:30:00.0000000`, timeZone: 'Asia/Kolkata' } });
      expect(await view('UTC')).toMatchObject({ start: { dateTime: `${year}-01-10T17:00:00.0000000`, timeZone: 'UTC' } });
      // The same event read alone and through the delta round, in the zone asked for.
      const id = String((await view('UTC'))['id']);
      const one = expectGraphOk(await graph(emu, `/${v}/me/events/${id}`, alexToken, { headers: { Prefer: 'outlook.timezone="Eastern Standard Time"' } }), v, EVENT);
      expect(one['start']).toEqual({ dateTime: `${year}-01-10T12:00:00.0000000`, timeZone: 'Eastern Standard Time' });
      const round = expectGraphOk(await graph(emu, `/${v}/me/calendarView/delta?${window}`, alexToken, { headers: { Prefer: 'outlook.timezone="Tokyo Standard Time"' } }), v, DELTA);
      expect((round['value'] as Json[]).find((e) => e['id'] === id)?.['end']).toEqual({ dateTime: `${year}-01-11T02:45:00.0000000`, timeZone: 'Tokyo Standard Time' });

      // Windows zone ids are case-insensitive; the name comes back as sent.
      expect(await view('pacific standard time')).toMatchObject({ start: { dateTime: `${year}-01-10T09:00:00.0000000`, timeZone: 'pacific standard time' } });
      for (const zone of ['Australia Eastern Standard Time', 'Mars/Olympus_Mons', '', 'Pacific']) {
        for (const path of [`/${v}/me/calendarView?${window}`, `/${v}/me/events/${id}`, `/${v}/me/events`, `/${v}/me/calendarView/delta?${window}`]) {
          expectGraphFailure(
            await graph(emu, path, alexToken, { headers: { Prefer: `outlook.timezone="${zone}"` } }),
            v,
            400,
            'TimeZoneNotSupportedException',
            `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
          );
        }
      }
      await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${made.id}`, undefined, 204);
    });

    it('answers Outlook’s errors: malformed id, another mailbox’s event, no calendar permission', async () => {
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}/events/not-an-id`, appToken), v, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
      const adeleEvent = byJoinUrl(await eventsOf(v, `/users/${adele.id}/events`, appToken), weekly.joinWebUrl)!;
      expectGraphFailure(await graph(emu, `/${v}/users/${megan.id}/events/${String(adeleEvent['id'])}`, appToken), v, 404, 'ErrorItemNotFound');
      const noCalendar = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      const refused = await clientFailure(tokenClient(emu, noCalendar, v).api(`/users/${adele.id}/events`).get());
      expect(refused.statusCode).toBe(403);
      expect(refused.code).toBe('ErrorAccessDenied');
      const noScope = await mintToken(emu, { userId: alex.id, scopes: ['User.Read'] });
      expectGraphFailure(await graph(emu, `/${v}/me/calendarView/delta?startDateTime=2032-03-01T00:00:00Z&endDateTime=2032-03-02T00:00:00Z`, noScope), v, 403, 'ErrorAccessDenied');
      // A delegated caller reads only their own calendar here.
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}/events`, alexToken), v, 403);
      // /me needs a user.
      expectGraphFailure(await graph(emu, `/${v}/me/events`, appToken), v, 400, 'BadRequest');
    });

    it('reads the calendar of a user no Teams access policy covers (Exchange scopes mailboxes, not CsApplicationAccessPolicy)', async () => {
      // Alex grants the demo app no Teams access policy: onlineMeetings refuses, the calendar does not.
      expectGraphFailure(await graph(emu, `/${v}/users/${alex.id}/onlineMeetings/${weekly.id}`, appToken), v, 403, 'Forbidden');
      expect(byJoinUrl(await eventsOf(v, `/users/${alex.id}/events`, appToken), weekly.joinWebUrl)).toBeDefined();
    });
  });
});
