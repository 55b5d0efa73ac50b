import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';
import { control, mintToken } from './support.js';

interface GraphFailure {
  status: number;
  headers: Headers;
  error: { code: string; message: string };
}

/**
 * GET the demo organizer through Graph with the given Authorization header and check the error
 * envelope: ODataError schema, request ids matching the headers (client-request-id echoed).
 */
async function failing(emu: TestEmulator, authorization: string | undefined, version: 'v1.0' | 'beta' = 'v1.0', path = `/users/${emu.demo.organizerUserId}`): Promise<GraphFailure> {
  const clientRequestId = randomUUID();
  const headers: Record<string, string> = { 'client-request-id': clientRequestId };
  if (authorization !== undefined) headers['authorization'] = authorization;
  const res = await fetch(`${emu.url}/${version}${path}`, { headers });
  const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
  expectGraphError(version, body);
  const requestId = res.headers.get('request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.error.innerError['request-id']).toBe(requestId);
  expect(res.headers.get('client-request-id')).toBe(clientRequestId);
  expect(body.error.innerError['client-request-id']).toBe(clientRequestId);
  return { status: res.status, headers: res.headers, error: body.error };
}

function expectUnauthenticated(f: GraphFailure, message: string | RegExp): void {
  expect(f.status).toBe(401);
  expect(f.error.code).toBe('InvalidAuthenticationToken');
  if (typeof message === 'string') expect(f.error.message).toBe(message);
  else expect(f.error.message).toMatch(message);
  expect(f.headers.get('www-authenticate')).toMatch(/^Bearer realm="", authorization_uri="https:\/\/[^"]+\/oauth2\/[^"]*authorize", client_id="00000003-0000-0000-c000-000000000000"$/);
}

const bearer = (token: string): string => `Bearer ${token}`;

describe('Graph refuses bad access tokens with Graph-shaped errors', () => {
  let emu: TestEmulator;
  let good: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    good = await appToken(emu);
  });
  afterAll(async () => emu.stop());

  it('a good token reads the user (the baseline every case below departs from)', async () => {
    const res = await fetch(`${emu.url}/v1.0/users/${emu.demo.organizerUserId}`, { headers: { authorization: bearer(good) } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(emu.demo.organizerUserId);
  });

  it('no Authorization header: 401 "Access token is empty." with WWW-Authenticate pointing at this emulator', async () => {
    for (const version of ['v1.0', 'beta'] as const) {
      const f = await failing(emu, undefined, version);
      expectUnauthenticated(f, 'Access token is empty.');
      expect(f.headers.get('www-authenticate')).toContain(`authorization_uri="${emu.url}/`);
    }
    expectUnauthenticated(await failing(emu, 'Bearer '), 'Access token is empty.');
  });

  it('a Basic Authorization header carries no bearer token: 401 "Access token is empty."', async () => {
    expectUnauthenticated(await failing(emu, `Basic ${Buffer.from('user:pass').toString('base64')}`), 'Access token is empty.');
  });

  // Forged, malformed, expired, not-yet-valid and wrong-audience tokens: the table in tokenAttacks.test.ts.

  it("Graph's application id is a valid audience too", async () => {
    const byAppId = await mintToken(emu, { audience: '00000003-0000-0000-c000-000000000000' });
    const ok = await fetch(`${emu.url}/v1.0/users/${emu.demo.organizerUserId}`, { headers: { authorization: bearer(byAppId) } });
    expect(ok.status).toBe(200);
  });

  it('a token of a tenant that no longer exists: 401, even after it was accepted once', async () => {
    const tenant = await control<{ id: string }>(emu, 'POST', '/tenants', { displayName: `Fabrikam ${randomUUID().slice(0, 8)}` }, 201);
    const app = await control<{ clientId: string; clientSecrets: string[] }>(
      emu,
      'POST',
      `/tenants/${tenant.id}/apps`,
      { displayName: 'Fabrikam app', applicationPermissions: ['User.Read.All'] },
      201,
    );
    const token = await mintToken(emu, { clientId: app.clientId });
    const viaEndpoint = await appToken(emu, app.clientId, app.clientSecrets[0], tenant.id);
    // Accepted while the tenant exists: the demo organizer is not in that tenant, so 404.
    const before = await failing(emu, bearer(viaEndpoint));
    expect({ status: before.status, code: before.error.code }).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    await control(emu, 'DELETE', `/tenants/${tenant.id}`, undefined, 204);
    expectUnauthenticated(await failing(emu, bearer(token)), 'Access token validation failure. Invalid issuer.');
    expectUnauthenticated(await failing(emu, bearer(viaEndpoint)), 'Access token validation failure. Invalid issuer.');
  });

  it('a token signed by another emulator instance (its own store, its own key): 401 invalid signature', async () => {
    const other = await startTestEmulator();
    try {
      const foreign = await appToken(other);
      const ok = await fetch(`${other.url}/v1.0/users/${other.demo.organizerUserId}`, { headers: { authorization: bearer(foreign) } });
      expect(ok.status).toBe(200);
      expectUnauthenticated(await failing(emu, bearer(foreign)), 'Access token validation failure. Invalid signature.');
    } finally {
      await other.stop();
    }
  });

  it('an app token without the role: 403 (directory code on /users, Forbidden on meetings)', async () => {
    const roleless = await mintToken(emu, { roles: [] });
    const f = await failing(emu, bearer(roleless));
    expect({ status: f.status, code: f.error.code, message: f.error.message }).toEqual({
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    expect(f.headers.get('www-authenticate')).toBeNull();
    const meeting = await failing(emu, bearer(roleless), 'v1.0', `/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`);
    expect({ status: meeting.status, code: meeting.error.code }).toEqual({ status: 403, code: 'Forbidden' });
    const unrelated = await mintToken(emu, { roles: ['CallRecords.Read.All'] });
    expect((await failing(emu, bearer(unrelated))).status).toBe(403);
  });
});
