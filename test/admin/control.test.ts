import { Ajv } from 'ajv';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphFetch } from '../support/clients.js';
import { startTestEmulator, useEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';
import { control, expectControlError, obj } from '../support/control.js';

/** Every control route the contract promises, as OpenAPI writes them. */
const CONTROL_ROUTES: Array<[string, string]> = [
  ['get', '/_emulator/health'],
  ['get', '/_emulator/openapi.json'],
  ['get', '/_emulator/demo'],
  ['get', '/_emulator/ca.pem'],
  ['get', '/_emulator/tenants'],
  ['post', '/_emulator/tenants'],
  ['get', '/_emulator/tenants/{tenantId}'],
  ['delete', '/_emulator/tenants/{tenantId}'],
  ['get', '/_emulator/tenants/{tenantId}/users'],
  ['post', '/_emulator/tenants/{tenantId}/users'],
  ['delete', '/_emulator/tenants/{tenantId}/users/{userId}'],
  ['get', '/_emulator/tenants/{tenantId}/apps'],
  ['post', '/_emulator/tenants/{tenantId}/apps'],
  ['patch', '/_emulator/tenants/{tenantId}/apps/{clientId}'],
  ['delete', '/_emulator/tenants/{tenantId}/apps/{clientId}'],
  ['get', '/_emulator/tenants/{tenantId}/accessPolicies'],
  ['post', '/_emulator/tenants/{tenantId}/accessPolicies'],
  ['delete', '/_emulator/tenants/{tenantId}/accessPolicies/{policyId}'],
  ['get', '/_emulator/tenants/{tenantId}/teamsAppInstallations'],
  ['post', '/_emulator/tenants/{tenantId}/teamsAppInstallations'],
  ['delete', '/_emulator/tenants/{tenantId}/teamsAppInstallations/{installationId}'],
  ['get', '/_emulator/tenants/{tenantId}/meetings'],
  ['post', '/_emulator/tenants/{tenantId}/meetings'],
  ['delete', '/_emulator/tenants/{tenantId}/meetings/{meetingId}'],
  ['get', '/_emulator/clock'],
  ['post', '/_emulator/clock'],
  ['get', '/_emulator/faults'],
  ['post', '/_emulator/faults'],
  ['delete', '/_emulator/faults'],
  ['get', '/_emulator/faults/{faultId}'],
  ['delete', '/_emulator/faults/{faultId}'],
  ['post', '/_emulator/tokens'],
  ['post', '/_emulator/reset'],
];

type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ in: string; name: string }> }>> };

const emu = useEmulator();

describe('health, demo and CA', () => {
  it('GET /health answers {"status":"ok"}', async () => {
    const res = await control(emu, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('GET /demo names the demo tenant with the contract’s fields, and they work', async () => {
    const res = await control(emu, 'GET', '/demo');
    expect(res.status).toBe(200);
    const demo = obj(res);
    for (const field of ['tenantId', 'clientId', 'clientSecret', 'organizerUserId', 'meetingId', 'callRecordId', 'callId', 'caCertificate']) {
      expect(typeof demo[field], field).toBe('string');
      expect((demo[field] as string).length, field).toBeGreaterThan(0);
    }
    expect(demo).toEqual({ ...emu.demo });
    expect(demo['caCertificate']).toBe(emu.caCertificate);
    // The credentials get a token, and the meeting is the organizer's.
    const tokenRes = await fetch(`${emu.url}/${String(demo['tenantId'])}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: String(demo['clientId']), client_secret: String(demo['clientSecret']), scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(tokenRes.status).toBe(200);
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const meeting = await graphFetch(emu, `/v1.0/users/${String(demo['organizerUserId'])}/onlineMeetings/${String(demo['meetingId'])}`, token);
    expect(meeting.status).toBe(200);
  });

  it('GET /ca.pem serves the CA that signed the server certificate', async () => {
    const res = await control(emu, 'GET', '/ca.pem');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    expect(res.text).toBe(emu.caCertificate);
    const ca = new X509Certificate(res.text);
    expect(ca.ca).toBe(true);
    expect(res.text).toBe(readFileSync(emu.caCertificatePath!, 'utf8'));
  });

  it('with --http there is no CA: /ca.pem is a 404 and /demo says caCertificate null', async () => {
    const plain = await startTestEmulator({ http: true });
    try {
      expect(plain.url).toMatch(/^http:\/\/localhost:\d+$/);
      expectControlError(await control(plain, 'GET', '/ca.pem'), 404, /HTTP/);
      expect(obj(await control(plain, 'GET', '/demo'))['caCertificate']).toBeNull();
      expect((await control(plain, 'GET', '/health')).json).toEqual({ status: 'ok' });
    } finally {
      await plain.stop();
    }
  });

  it('without the demo tenant, /demo is a 404 and the store has no tenant', async () => {
    const bare = await startTestEmulator({ demo: false });
    try {
      expectControlError(await control(bare, 'GET', '/demo'), 404);
      expect(obj(await control(bare, 'GET', '/tenants'))['value']).toEqual([]);
      expect(obj(await control(bare, 'POST', '/reset'))['tenantId']).toBe(bare.demo.tenantId);
      expect(obj(await control(bare, 'GET', '/tenants'))['value']).toEqual([]); // reset does not add it either
    } finally {
      await bare.stop();
    }
  });
});

describe('tokens', () => {
  it('mints an app token Graph accepts, with the app’s roles', async () => {
    const res = await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId });
    expect(res.status, res.text).toBe(200);
    const { access_token: token, expires_on: expiresOn } = res.json as { access_token: string; expires_on: number };
    const claims = decodeJwt(token);
    expect(claims['appid']).toBe(emu.demo.clientId);
    expect(claims['tid']).toBe(emu.demo.tenantId);
    expect(claims['roles']).toContain('User.Read.All');
    expect(expiresOn).toBe(claims.exp);
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
  });

  it('mints a delegated token for a user, expired tokens and tokens lacking roles, each refused as Graph would', async () => {
    const delegated = await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, userId: emu.demo.users[0]!.userPrincipalName, scopes: ['User.Read'] });
    expect(delegated.status, delegated.text).toBe(200);
    const delegatedToken = (delegated.json as { access_token: string }).access_token;
    expect(decodeJwt(delegatedToken)).toMatchObject({ scp: 'User.Read', oid: emu.demo.users[0]!.id });
    expect((await graphFetch(emu, '/v1.0/me', delegatedToken)).status).toBe(200);

    const expired = obj(await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, lifetimeSeconds: -3600 }))['access_token'] as string;
    const expiredRes = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, expired);
    expect(expiredRes.status).toBe(401);
    expectGraphError('v1.0', await expiredRes.json());

    const roleless = obj(await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, roles: [] }))['access_token'] as string;
    const forbidden = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, roleless);
    expect(forbidden.status).toBe(403);
  });

  it('answers 404 for an unknown app or user and 400 for bad bodies', async () => {
    expectControlError(await control(emu, 'POST', '/tokens', { clientId: randomUUID() }), 404);
    expectControlError(await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, userId: 'nobody@contoso.onmicrosoft.com' }), 404);
    expectControlError(await control(emu, 'POST', '/tokens', {}), 400);
    expectControlError(await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, lifetimeSeconds: 'long' }), 400);
    expectControlError(await control(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, roles: 'User.Read.All' }), 400);
  });
});

describe('errors', () => {
  it('an unknown control path is a Graph-shaped 404', async () => {
    expectControlError(await control(emu, 'GET', '/nothing-here'), 404);
    expectControlError(await control(emu, 'PUT', '/clock', { advance: 'PT1M' }), 404);
  });

  it('a body that is not JSON is a 415', async () => {
    expectControlError(await control(emu, 'POST', '/clock', 'advance=PT1M', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    expectControlError(await control(emu, 'POST', '/tenants', '<tenant/>', { 'content-type': 'application/xml' }), 415);
    expect(obj(await control(emu, 'GET', '/clock'))['offsetMs']).toBeLessThan(1000); // the form did not move the clock
  });

  it('a NUL character in an id is a 404 and in a body a 400 (PostgreSQL refuses NUL)', async () => {
    expectControlError(await control(emu, 'GET', '/tenants/%00/users'), 404);
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Nul\u0000Corp' }), 400);
  });

  it('an empty JSON body is no body: POST /reset works with content-type json and nothing sent', async () => {
    const res = await control(emu, 'POST', '/reset', '', { 'content-type': 'application/json' });
    expect(res.status, res.text).toBe(200);
    expect(obj(res)['tenantId']).toBe(emu.demo.tenantId);
  });
});

describe('OpenAPI description', () => {
  let doc: OpenApiDoc;
  beforeAll(async () => {
    const res = await control(emu, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.json as OpenApiDoc;
  });

  it('is a valid OpenAPI 3.0 document', () => {
    const schema = JSON.parse(readFileSync(new URL('./openapi-3.0.schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
  });

  it.each(CONTROL_ROUTES)('lists %s %s', (method, path) => {
    expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths[path] ?? {})).toContain(method);
  });

  it('describes only control routes, each with its path parameters and request bodies', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/_emulator\//);
      for (const [method, operation] of Object.entries(operations)) {
        const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual(params.sort());
        if (['post', 'patch'].includes(method) && !path.endsWith('/reset')) expect(operation.requestBody, `${method} ${path}`).toBeDefined();
      }
    }
  });

  // Last: it resets the store along the way.
  it('no control route answers 500, whatever it is sent', async () => {
    const bodies: Array<string | undefined> = [
      undefined,
      '',
      '{}',
      '[]',
      'null',
      '"text"',
      '42',
      '{"a":1}',
      '{bad json',
      JSON.stringify({ displayName: 'x'.repeat(10_000) }),
      '{"advance":"P99999999999D"}',
      '{"set":"9999-12-31T23:59:59Z"}',
    ];
    const ids = ['nope', randomUUID(), 'x'.repeat(1500), '%00', "users('x')", emu.demo.tenantId];
    const failures: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      // A server-sent event stream stays open by design (test/admin/requests.test.ts reads it).
      if (path === '/_emulator/events') continue;
      for (const method of Object.keys(operations)) {
        for (const id of ids) {
          const concrete = path.replace(/\{\w+\}/g, id).replace(/^\/_emulator/, '');
          for (const body of method === 'get' || method === 'delete' ? [undefined] : bodies) {
            const res = await control(emu, method.toUpperCase(), concrete, body);
            if (res.status >= 500) failures.push(`${method} ${concrete.slice(0, 80)} ${String(body).slice(0, 40)} → ${res.status} ${res.text.slice(0, 200)}`);
            else if (res.status >= 400) expectGraphError('v1.0', res.json);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Thousands of requests (dozens of resets among them): about 10 s on an idle 2-core machine, over 30 s under load.
  }, 180_000);
});
