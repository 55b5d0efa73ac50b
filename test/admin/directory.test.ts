import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { appToken, graphFetch } from '../support/clients.js';
import { useEmulator } from '../support/emulator.js';
import { control, expectControlError, obj, value } from '../support/control.js';

interface Tenant {
  id: string;
  displayName: string;
  domain: string;
  createdDateTime: string;
}
interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string;
  password: string;
  tenantId: string;
}
interface App {
  clientId: string;
  tenantId: string;
  displayName: string;
  clientSecrets: string[];
  applicationPermissions: string[];
  delegatedPermissions: string[];
  redirectUris: string[];
}
interface Policy {
  id: string;
  name: string;
  appIds: string[];
  userIds: string[];
  global: boolean;
}
interface Installation {
  id: string;
  meetingId: string;
  clientId: string;
  rscPermissions: string[];
  tenantId: string;
}
interface Meeting {
  id: string;
  organizerId: string;
  subject: string | null;
  startDateTime: string;
  endDateTime: string;
  externalId: string | null;
  settings: { attendees?: Array<{ userId: string }> };
}

const emu = useEmulator();

let n = 0;
async function newTenant(): Promise<Tenant> {
  n += 1;
  const res = await control(emu, 'POST', '/tenants', { displayName: `Fabrikam ${n}`, domain: `fabrikam${n}-${randomUUID().slice(0, 8)}.onmicrosoft.com` });
  expect(res.status, res.text).toBe(201);
  return res.json as Tenant;
}
async function newUser(tenantId: string, name = `user${randomUUID().slice(0, 8)}`): Promise<User> {
  const res = await control(emu, 'POST', `/tenants/${tenantId}/users`, { userPrincipalName: `${name}@example.com`, displayName: name });
  expect(res.status, res.text).toBe(201);
  return res.json as User;
}
async function newApp(tenantId: string, body: Record<string, unknown> = {}): Promise<App> {
  const res = await control(emu, 'POST', `/tenants/${tenantId}/apps`, { displayName: 'Test app', ...body });
  expect(res.status, res.text).toBe(201);
  return res.json as App;
}
async function newMeeting(tenantId: string, organizerId: string, body: Record<string, unknown> = {}): Promise<Meeting> {
  const res = await control(emu, 'POST', `/tenants/${tenantId}/meetings`, { organizerId, ...body });
  expect(res.status, res.text).toBe(201);
  return res.json as Meeting;
}

describe('tenants', () => {
  it('creates, lists, reads and deletes a tenant', async () => {
    const id = randomUUID().toUpperCase();
    const created = await control(emu, 'POST', '/tenants', { id, displayName: 'Northwind' });
    expect(created.status).toBe(201);
    const tenant = created.json as Tenant;
    expect(tenant.id).toBe(id.toLowerCase()); // stored as Entra shows ids: lower case
    expect(tenant.domain).toMatch(/^northwind[0-9a-f]{4}\.onmicrosoft\.com$/);
    expect(Date.parse(tenant.createdDateTime)).not.toBeNaN();

    const listed = value<Tenant>(await control(emu, 'GET', '/tenants'));
    expect(listed.map((t) => t.id)).toContain(tenant.id);
    expect(listed.map((t) => t.id)).toContain(emu.demo.tenantId);
    expect(obj(await control(emu, 'GET', `/tenants/${id}`))['id']).toBe(tenant.id); // any case finds it

    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}`)).status).toBe(204);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant.id}`), 404, tenant.id);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}`), 404);
    expect(value<Tenant>(await control(emu, 'GET', '/tenants')).map((t) => t.id)).not.toContain(tenant.id);
  });

  it('refuses duplicates with 409', async () => {
    const tenant = await newTenant();
    expectControlError(await control(emu, 'POST', '/tenants', { id: tenant.id, displayName: 'Again' }), 409);
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Same domain', domain: tenant.domain.toUpperCase() }), 409);
  });

  it.each([
    ['no displayName', {}],
    ['an empty displayName', { displayName: '' }],
    ['an id that is not a GUID', { id: 'tenant-1', displayName: 'X' }],
    ['a bad domain', { displayName: 'X', domain: 'not a domain!' }],
    ['an unknown property', { displayName: 'X', colour: 'blue' }],
    ['a wrong type', { displayName: 42 }],
    ['an array', [{ displayName: 'X' }]],
  ])('refuses a body with %s (400)', async (_why, body) => {
    expectControlError(await control(emu, 'POST', '/tenants', body), 400);
  });

  it('refuses malformed JSON and an empty body with 400', async () => {
    expectControlError(await control(emu, 'POST', '/tenants', '{"displayName":'), 400);
    expectControlError(await control(emu, 'POST', '/tenants', ''), 400);
  });

  it('deleting a tenant takes its users, apps and meetings with it', async () => {
    const tenant = await newTenant();
    const user = await newUser(tenant.id);
    await newApp(tenant.id);
    await newMeeting(tenant.id, user.id);
    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}`)).status).toBe(204);
    for (const what of ['users', 'apps', 'meetings', 'accessPolicies', 'teamsAppInstallations']) {
      expectControlError(await control(emu, 'GET', `/tenants/${tenant.id}/${what}`), 404);
    }
    // The user's UPN is free again: the row really went.
    const again = await newTenant();
    const res = await control(emu, 'POST', `/tenants/${again.id}/users`, { userPrincipalName: user.userPrincipalName, displayName: 'Reborn' });
    expect(res.status, res.text).toBe(201);
  });
});

describe('users', () => {
  it('creates, lists and deletes users; Graph serves them', async () => {
    const tenant = await newTenant();
    const res = await control(emu, 'POST', `/tenants/${tenant.id}/users`, {
      userPrincipalName: 'Diego.Siciliani@Example.com',
      displayName: 'Diego Siciliani',
      jobTitle: 'HR Manager',
      password: 'S3cret!',
    });
    expect(res.status).toBe(201);
    const user = res.json as User;
    expect(user).toMatchObject({ userPrincipalName: 'diego.siciliani@example.com', mail: 'diego.siciliani@example.com', tenantId: tenant.id, password: 'S3cret!' });
    expect(value<User>(await control(emu, 'GET', `/tenants/${tenant.id}/users`)).map((u) => u.id)).toEqual([user.id]);

    // An app of the new tenant reads the user through Graph.
    const app = await newApp(tenant.id, { applicationPermissions: ['User.Read.All'], clientSecret: 'app-secret-1' });
    const token = await appToken(emu, app.clientId, 'app-secret-1', tenant.id);
    const fromGraph = await graphFetch(emu, `/v1.0/users/${user.id}`, token);
    expect(fromGraph.status).toBe(200);
    expect(((await fromGraph.json()) as { userPrincipalName: string }).userPrincipalName).toBe(user.userPrincipalName);

    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/users/${user.userPrincipalName.toUpperCase()}`)).status).toBe(204);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/users/${user.id}`), 404);
    expect(value<User>(await control(emu, 'GET', `/tenants/${tenant.id}/users`))).toEqual([]);
    expect((await graphFetch(emu, `/v1.0/users/${user.id}`, token)).status).toBe(404);
  });

  it('stores a given id in lower case, so it can be found by id in any case', async () => {
    const tenant = await newTenant();
    const id = randomUUID().toUpperCase();
    const res = await control(emu, 'POST', `/tenants/${tenant.id}/users`, { id, userPrincipalName: `${randomUUID()}@example.com`, displayName: 'Upper' });
    expect(res.status, res.text).toBe(201);
    expect(obj(res)['id']).toBe(id.toLowerCase());
    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/users/${id}`)).status).toBe(204);
  });

  it('refuses a duplicate UPN or id (409), across tenants too', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const user = await newUser(a.id);
    expectControlError(await control(emu, 'POST', `/tenants/${b.id}/users`, { userPrincipalName: user.userPrincipalName.toUpperCase(), displayName: 'Copy' }), 409);
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/users`, { id: user.id, userPrincipalName: 'other@example.com', displayName: 'Copy' }), 409);
  });

  it('answers 404 for an unknown tenant and 400 for bad bodies', async () => {
    const unknown = randomUUID();
    expectControlError(await control(emu, 'GET', `/tenants/${unknown}/users`), 404, unknown);
    expectControlError(await control(emu, 'POST', `/tenants/${unknown}/users`, { userPrincipalName: 'a@b.c', displayName: 'A' }), 404);
    const tenant = await newTenant();
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/users`, { userPrincipalName: 'no-at-sign', displayName: 'A' }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/users`, { userPrincipalName: 'a@b.c' }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/users`, { userPrincipalName: 'a@b.c', displayName: 'A', id: 'x' }), 400);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/users/${randomUUID()}`), 404);
    // A user of another tenant is not found through this one.
    const other = await newUser((await newTenant()).id);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/users/${other.id}`), 404);
  });
});

describe('apps', () => {
  it('creates an app whose secret works at the token endpoint, and PATCH changes what its tokens carry', async () => {
    const tenant = await newTenant();
    const app = await newApp(tenant.id, { applicationPermissions: ['OnlineMeetings.Read.All'] });
    expect(app.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.clientSecrets).toHaveLength(1);
    expect(value<App>(await control(emu, 'GET', `/tenants/${tenant.id}/apps`)).map((a) => a.clientId)).toEqual([app.clientId]);
    const before = decodeJwt(await appToken(emu, app.clientId, app.clientSecrets[0], tenant.id));
    expect(before['roles']).toEqual(['OnlineMeetings.Read.All']);

    const patched = await control(emu, 'PATCH', `/tenants/${tenant.id}/apps/${app.clientId.toUpperCase()}`, { applicationPermissions: ['User.Read.All'], displayName: 'Renamed' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ clientId: app.clientId, displayName: 'Renamed', applicationPermissions: ['User.Read.All'] });
    const after = decodeJwt(await appToken(emu, app.clientId, app.clientSecrets[0], tenant.id));
    expect(after['roles']).toEqual(['User.Read.All']);

    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/apps/${app.clientId}`)).status).toBe(204);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/apps/${app.clientId}`), 404);
    expectControlError(await control(emu, 'PATCH', `/tenants/${tenant.id}/apps/${app.clientId}`, { displayName: 'Gone' }), 404);
    const tokenRes = await fetch(`${emu.url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecrets[0]!, scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(tokenRes.status).toBe(400);
  });

  it('keeps apps to their tenant and refuses duplicates and bad bodies', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const app = await newApp(a.id);
    expectControlError(await control(emu, 'PATCH', `/tenants/${b.id}/apps/${app.clientId}`, { displayName: 'Hijack' }), 404);
    expectControlError(await control(emu, 'DELETE', `/tenants/${b.id}/apps/${app.clientId}`), 404);
    expectControlError(await control(emu, 'POST', `/tenants/${b.id}/apps`, { clientId: app.clientId, displayName: 'Copy' }), 409);
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/apps`, {}), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/apps`, { displayName: 'X', applicationPermissions: 'User.Read.All' }), 400);
    expectControlError(await control(emu, 'PATCH', `/tenants/${a.id}/apps/${app.clientId}`, { displayName: '' }), 400);
    expectControlError(await control(emu, 'PATCH', `/tenants/${a.id}/apps/${app.clientId}`, { clientSecrets: ['x'] }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${randomUUID()}/apps`, { displayName: 'X' }), 404);
  });
});

describe('access policies', () => {
  it('creates, lists and deletes a policy granted to users (by id or UPN)', async () => {
    const tenant = await newTenant();
    const [u1, u2] = [await newUser(tenant.id), await newUser(tenant.id)];
    const app = await newApp(tenant.id);
    const res = await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'Bot policy', appIds: [app.clientId.toUpperCase()], userIds: [u1!.id, u2!.userPrincipalName] });
    expect(res.status, res.text).toBe(201);
    const policy = res.json as Policy;
    expect(policy).toMatchObject({ name: 'Bot policy', appIds: [app.clientId], global: false });
    expect(policy.userIds).toEqual([u1!.id, u2!.id].sort());
    expect(value<Policy>(await control(emu, 'GET', `/tenants/${tenant.id}/accessPolicies`)).map((p) => p.id)).toEqual([policy.id]);

    const global = await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'Everyone', appIds: [app.clientId], global: true });
    expect(global.status).toBe(201);
    expect(obj(global)['global']).toBe(true);

    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/accessPolicies/${policy.id}`)).status).toBe(204);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/accessPolicies/${policy.id}`), 404);
    expect(value<Policy>(await control(emu, 'GET', `/tenants/${tenant.id}/accessPolicies`)).map((p) => p.name)).toEqual(['Everyone']);
  });

  it('refuses a duplicate name (409), unknown users or tenants (404) and bad bodies (400)', async () => {
    const tenant = await newTenant();
    expect((await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'P', appIds: [] })).status).toBe(201);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'P', appIds: [] }), 409);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'Q', appIds: [], userIds: [randomUUID()] }), 404);
    expectControlError(await control(emu, 'POST', `/tenants/${randomUUID()}/accessPolicies`, { name: 'Q', appIds: [] }), 404);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'Q' }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: '', appIds: [] }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/accessPolicies`, { name: 'Q', appIds: [], global: 'yes' }), 400);
    // A refused policy leaves nothing behind.
    expect(value<Policy>(await control(emu, 'GET', `/tenants/${tenant.id}/accessPolicies`)).map((p) => p.name)).toEqual(['P']);
  });
});

describe('Teams app installations', () => {
  it('installs an app in a meeting, refuses a second install, and uninstalls', async () => {
    const tenant = await newTenant();
    const organizer = await newUser(tenant.id);
    const meeting = await newMeeting(tenant.id, organizer.id);
    const app = await newApp(tenant.id);
    const body = { meetingId: meeting.id, clientId: app.clientId, rscPermissions: ['OnlineMeetingRecording.Read.Chat'] };
    const res = await control(emu, 'POST', `/tenants/${tenant.id}/teamsAppInstallations`, body);
    expect(res.status, res.text).toBe(201);
    const installation = res.json as Installation;
    expect(installation).toMatchObject({ meetingId: meeting.id, clientId: app.clientId, tenantId: tenant.id, rscPermissions: ['OnlineMeetingRecording.Read.Chat'] });
    expectControlError(await control(emu, 'POST', `/tenants/${tenant.id}/teamsAppInstallations`, body), 409);
    expect(value<Installation>(await control(emu, 'GET', `/tenants/${tenant.id}/teamsAppInstallations`)).map((i) => i.id)).toEqual([installation.id]);
    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/teamsAppInstallations/${installation.id}`)).status).toBe(204);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenant.id}/teamsAppInstallations/${installation.id}`), 404);
    expect(value(await control(emu, 'GET', `/tenants/${tenant.id}/teamsAppInstallations`))).toEqual([]);
  });

  it('answers 404 for a meeting or app of another tenant and 400 for a non-RSC permission', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const meetingA = await newMeeting(a.id, (await newUser(a.id)).id);
    const appA = await newApp(a.id);
    const appB = await newApp(b.id);
    const path = `/tenants/${b.id}/teamsAppInstallations`;
    expectControlError(await control(emu, 'POST', path, { meetingId: meetingA.id, clientId: appB.clientId, rscPermissions: [] }), 404, 'Meeting');
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/teamsAppInstallations`, { meetingId: meetingA.id, clientId: appB.clientId, rscPermissions: [] }), 404, 'App');
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/teamsAppInstallations`, { meetingId: meetingA.id, clientId: appA.clientId, rscPermissions: ['OnlineMeetings.Read.All'] }), 400);
    expectControlError(await control(emu, 'POST', `/tenants/${a.id}/teamsAppInstallations`, { meetingId: meetingA.id, clientId: appA.clientId }), 400);
    expect(value(await control(emu, 'GET', path))).toEqual([]);
    expect(value(await control(emu, 'GET', `/tenants/${a.id}/teamsAppInstallations`))).toEqual([]);
  });

  it('deleting the app removes its installations', async () => {
    const tenant = await newTenant();
    const meeting = await newMeeting(tenant.id, (await newUser(tenant.id)).id);
    const app = await newApp(tenant.id);
    expect((await control(emu, 'POST', `/tenants/${tenant.id}/teamsAppInstallations`, { meetingId: meeting.id, clientId: app.clientId, rscPermissions: [] })).status).toBe(201);
    expect((await control(emu, 'DELETE', `/tenants/${tenant.id}/apps/${app.clientId}`)).status).toBe(204);
    expect(value(await control(emu, 'GET', `/tenants/${tenant.id}/teamsAppInstallations`))).toEqual([]);
  });
});

describe('meetings', () => {
  it('creates a meeting Graph serves, lists it by organizer, and deletes it', async () => {
    const { tenantId, organizerUserId } = emu.demo;
    const alex = emu.demo.users[2]!;
    const meeting = await newMeeting(tenantId, organizerUserId, {
      subject: 'Launch review',
      startDateTime: '2025-05-01T09:00:00Z',
      endDateTime: '2025-05-01T10:00:00Z',
      externalId: `ext-${randomUUID()}`,
      attendeeIds: [alex.userPrincipalName],
    });
    expect(meeting).toMatchObject({ organizerId: organizerUserId, subject: 'Launch review', startDateTime: '2025-05-01T09:00:00.000Z', endDateTime: '2025-05-01T10:00:00.000Z' });
    expect(meeting.settings.attendees?.map((a) => a.userId)).toEqual([alex.id]);

    const mine = value<Meeting>(await control(emu, 'GET', `/tenants/${tenantId}/meetings?organizerId=${organizerUserId}`));
    expect(mine.map((m) => m.id)).toContain(meeting.id);
    expect(mine.every((m) => m.organizerId === organizerUserId)).toBe(true);
    const others = value<Meeting>(await control(emu, 'GET', `/tenants/${tenantId}/meetings?organizerId=${emu.demo.users[1]!.id}`));
    expect(others.map((m) => m.id)).not.toContain(meeting.id);

    const token = await appToken(emu);
    const path = `/v1.0/users/${organizerUserId}/onlineMeetings/${meeting.id}`;
    const fromGraph = await graphFetch(emu, path, token);
    expect(fromGraph.status).toBe(200);
    expect(((await fromGraph.json()) as { subject: string }).subject).toBe('Launch review');

    expect((await control(emu, 'DELETE', `/tenants/${tenantId}/meetings/${meeting.id}`)).status).toBe(204);
    expectControlError(await control(emu, 'DELETE', `/tenants/${tenantId}/meetings/${meeting.id}`), 404);
    expect((await graphFetch(emu, path, token)).status).toBe(404);
  });

  it('refuses a duplicate externalId (409), unknown people (404) and bad times or kinds (400)', async () => {
    const tenant = await newTenant();
    const organizer = await newUser(tenant.id);
    const path = `/tenants/${tenant.id}/meetings`;
    await newMeeting(tenant.id, organizer.id, { externalId: 'weekly' });
    expectControlError(await control(emu, 'POST', path, { organizerId: organizer.id, externalId: 'weekly' }), 409);
    expectControlError(await control(emu, 'POST', path, { organizerId: randomUUID() }), 404);
    expectControlError(await control(emu, 'POST', path, { organizerId: organizer.id, attendeeIds: ['nobody@example.com'] }), 404);
    expectControlError(await control(emu, 'POST', path, { organizerId: organizer.id, startDateTime: 'next tuesday' }), 400);
    expectControlError(await control(emu, 'POST', path, { organizerId: organizer.id, startDateTime: '2025-05-01T10:00:00Z', endDateTime: '2025-05-01T09:00:00Z' }), 400);
    expectControlError(await control(emu, 'POST', path, { organizerId: organizer.id, kind: 'webinar' }), 400);
    expectControlError(await control(emu, 'POST', path, {}), 400);
    expectControlError(await control(emu, 'GET', `${path}?organizerId=${randomUUID()}`), 404);
    // An organizer from another tenant is unknown here.
    const stranger = await newUser((await newTenant()).id);
    expectControlError(await control(emu, 'POST', path, { organizerId: stranger.id }), 404);
    expect(value(await control(emu, 'GET', path))).toHaveLength(1);
  });
});
