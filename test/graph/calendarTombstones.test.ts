import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { demoUser, type ControlMeeting } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken } from './support/http.js';

type Json = Record<string, unknown>;

const DELTA = 'microsoft.graph.eventDeltaResponse';

/**
 * A deleted meeting leaves a tombstone so calendarView delta rounds can report its event `@removed`;
 * a delta token lives seven days (then 410), so older tombstones are pruned rather than kept forever.
 */
describe('calendarView delta: deleted meetings’ tombstones', () => {
  const emu = useEmulator();

  const tombstones = async (): Promise<string[]> => (await emu.internals.services.ctx.db.selectFrom('deleted_meetings').select('id').orderBy('id').execute()).map((r) => r.id);

  it('keeps a tombstone while a delta token could still need it, and prunes it after the token lifetime', async () => {
    const tenant = emu.demo.tenantId;
    const [megan, alex] = [demoUser(emu, 'megan'), demoUser(emu, 'alex')];
    await control(emu, 'POST', '/clock', { freeze: true }, 200);
    const made: ControlMeeting[] = [];
    for (const day of ['03', '04', '05']) {
      made.push(
        await control<ControlMeeting>(emu, 'POST', `/tenants/${tenant}/meetings`, {
          organizerId: megan.id,
          subject: `Tombstone ${day}`,
          startDateTime: `2033-02-${day}T09:00:00Z`,
          endDateTime: `2033-02-${day}T09:30:00Z`,
          attendeeIds: [alex.id],
        }),
      );
    }
    const [a, b, c] = made as [ControlMeeting, ControlMeeting, ControlMeeting];
    const alexToken = await mintToken(emu, { userId: alex.id });
    const window = 'startDateTime=2033-02-01T00:00:00Z&endDateTime=2033-02-28T00:00:00Z';
    const first = expectGraphOk(await graph(emu, `/v1.0/me/calendarView/delta?${window}`, alexToken), 'v1.0', DELTA);
    const deltaPath = String(first['@odata.deltaLink']).slice(emu.url.length);

    await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${a.id}`, undefined, 204);
    // Six days on, the token is still good: the first tombstone stays and serves it.
    await control(emu, 'POST', '/clock', { advance: 'P6D' }, 200);
    await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${b.id}`, undefined, 204);
    expect(await tombstones()).toEqual([a.id, b.id].sort());
    const round = expectGraphOk(await graph(emu, deltaPath, await mintToken(emu, { userId: alex.id })), 'v1.0', DELTA);
    expect((round['value'] as Json[]).map((e) => e['@removed'])).toEqual([{ reason: 'deleted' }, { reason: 'deleted' }]);

    // Past seven days from the first delete: its tombstone goes at the next delete; the second stays.
    await control(emu, 'POST', '/clock', { advance: 'P1DT1H' }, 200);
    await control(emu, 'DELETE', `/tenants/${tenant}/meetings/${c.id}`, undefined, 204);
    expect(await tombstones()).toEqual([b.id, c.id].sort());
    // The token that held the first meeting is past its lifetime too: a resync, never a silent miss.
    const expired = await graph(emu, deltaPath, await mintToken(emu, { userId: alex.id }));
    expectGraphFailure(expired, 'v1.0', 410, 'resyncRequired');
  });
});
