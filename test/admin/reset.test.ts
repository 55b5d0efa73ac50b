import { describe, expect, it } from 'vitest';
import { appToken, graphFetch } from '../support/clients.js';
import { useEmulator } from '../support/emulator.js';
import { control, obj, value } from '../support/control.js';

const emu = useEmulator();

type Named = { id?: string; clientId?: string; name?: string; subject?: string | null };
const ids = (items: Named[]): string[] => items.map((i) => i.id ?? i.clientId ?? '').sort();

async function snapshot(): Promise<Record<string, string[]>> {
  const t = emu.demo.tenantId;
  return {
    tenants: ids(value<Named>(await control(emu, 'GET', '/tenants'))),
    users: ids(value<Named>(await control(emu, 'GET', `/tenants/${t}/users`))),
    apps: ids(value<Named>(await control(emu, 'GET', `/tenants/${t}/apps`))),
    policies: value<Named>(await control(emu, 'GET', `/tenants/${t}/accessPolicies`))
      .map((p) => p.name ?? '')
      .sort(),
    meetings: value<Named>(await control(emu, 'GET', `/tenants/${t}/meetings`))
      .map((m) => m.subject ?? '')
      .sort(),
    installations: ids(value<Named>(await control(emu, 'GET', `/tenants/${t}/teamsAppInstallations`))),
  };
}

describe('POST /_emulator/reset', () => {
  it('clears everything created, restores the demo tenant with the same ids, clears faults and resets the clock', async () => {
    const pristine = await snapshot();
    const demoMeetingIds = value<Named>(await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/meetings`))
      .map((m) => m.id)
      .sort();
    expect(pristine.tenants).toEqual([emu.demo.tenantId]);
    expect(pristine.users).toHaveLength(5);
    expect(pristine.apps).toEqual([emu.demo.clientId]);
    const tokenBefore = await appToken(emu);

    // Make a mess of every kind.
    const t = emu.demo.tenantId;
    const other = obj(await control(emu, 'POST', '/tenants', { displayName: 'Other' }));
    expect((await control(emu, 'POST', `/tenants/${String(other['id'])}/users`, { userPrincipalName: 'x@other.example', displayName: 'X' })).status).toBe(201);
    const user = obj(await control(emu, 'POST', `/tenants/${t}/users`, { userPrincipalName: 'new.hire@contoso.onmicrosoft.com', displayName: 'New Hire' }));
    const app = obj(await control(emu, 'POST', `/tenants/${t}/apps`, { displayName: 'Another app' }));
    expect((await control(emu, 'POST', `/tenants/${t}/accessPolicies`, { name: 'Extra', appIds: [String(app['clientId'])], userIds: [String(user['id'])] })).status).toBe(201);
    const meeting = obj(await control(emu, 'POST', `/tenants/${t}/meetings`, { organizerId: emu.demo.organizerUserId, subject: 'Extra meeting' }));
    expect(
      (await control(emu, 'POST', `/tenants/${t}/teamsAppInstallations`, { meetingId: emu.demo.meetingId, clientId: String(app['clientId']), rscPermissions: ['OnlineMeetingRecording.Read.Chat'] }))
        .status,
    ).toBe(201);
    expect((await control(emu, 'DELETE', `/tenants/${t}/users/${emu.demo.users[4]!.id}`)).status).toBe(204);
    expect((await control(emu, 'PATCH', `/tenants/${t}/apps/${emu.demo.clientId}`, { applicationPermissions: [] })).status).toBe(200);
    expect((await control(emu, 'POST', '/faults', { path: '/v1.0/*', status: 500, method: 'POST' })).status).toBe(201);
    expect((await control(emu, 'POST', '/clock', { set: '2035-01-01T00:00:00Z', freeze: true })).status).toBe(200);
    expect(await snapshot()).not.toEqual(pristine);

    const res = await control(emu, 'POST', '/reset');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ...emu.demo });

    expect(await snapshot()).toEqual(pristine);
    expect(
      value<Named>(await control(emu, 'GET', `/tenants/${t}/meetings`))
        .map((m) => m.id)
        .sort(),
    ).toEqual(demoMeetingIds);
    expect(value<Named>(await control(emu, 'GET', `/tenants/${t}/meetings`)).map((m) => m.id)).not.toContain(meeting['id']);
    expect(value(await control(emu, 'GET', '/faults'))).toEqual([]);
    expect(obj(await control(emu, 'GET', '/clock'))).toMatchObject({ frozen: false, offsetMs: 0 });
    expect(value<{ applicationPermissions: string[] }>(await control(emu, 'GET', `/tenants/${t}/apps`))[0]!.applicationPermissions).toContain('OnlineMeetings.Read.All');

    // A token from before the reset still verifies (the signing key survives), and the demo meeting serves again.
    const meetingRes = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`, tokenBefore);
    expect(meetingRes.status).toBe(200);
    expect(((await meetingRes.json()) as { id: string }).id).toBe(emu.demo.meetingId);
    // The freed UPN can be used again.
    expect((await control(emu, 'POST', `/tenants/${t}/users`, { userPrincipalName: 'new.hire@contoso.onmicrosoft.com', displayName: 'New Hire' })).status).toBe(201);
  });

  it('twice in a row is the same as once', async () => {
    expect((await control(emu, 'POST', '/reset')).status).toBe(200);
    const once = await snapshot();
    expect((await control(emu, 'POST', '/reset')).status).toBe(200);
    expect(await snapshot()).toEqual(once);
  });

  it('the library’s admin.reset() is the same operation', async () => {
    await emu.admin.createTenant({ displayName: 'Library made' });
    const demo = await emu.admin.reset();
    expect(demo).toEqual(emu.demo);
    expect((await emu.admin.listTenants()).map((x) => x.id)).toEqual([emu.demo.tenantId]);
  });
});
