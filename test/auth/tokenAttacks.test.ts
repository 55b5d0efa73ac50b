import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';
import { control, mintToken, postToken } from './support.js';

/**
 * Every forged or invalid token the emulator must refuse, in one table: each is sent to real Graph
 * endpoints (a user, a meeting's recordings) and must get 401 InvalidAuthenticationToken in Graph's
 * envelope, with WWW-Authenticate and no data. Lifecycle cases (a tenant deleted after its token was
 * accepted, another instance's key) are in graphTokenErrors.test.ts.
 */

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const segments = (token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } => {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>,
    signature: s!,
  };
};

const MALFORMED = 'CompactToken parsing failed with error code: 80049217';
const BAD_SIGNATURE = 'Access token validation failure. Invalid signature.';
const BAD_AUDIENCE = 'Access token validation failure. Invalid audience.';
const BAD_ISSUER = 'Access token validation failure. Invalid issuer.';
const INVALID = 'Access token validation failure.';
const EXPIRED = 'Lifetime validation failed, the token is expired.';
const NOT_YET_VALID = 'Lifetime validation failed, the token is not yet valid.';

interface Fixtures {
  emu: TestEmulator;
  /** A good app token from the token endpoint. */
  good: string;
  /** The emulator's signing key as its JWKS publishes it. */
  realJwk: JWK & { kid: string };
  /** The attacker's own RSA key pair and its public JWK. */
  attacker: { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };
  /** An http://127.0.0.1 server standing for the attacker's key host; it counts what reaches it. */
  attackerUrl: string;
}

interface Attack {
  name: string;
  token: (f: Fixtures) => Promise<string> | string;
  message: string;
}

/** The good token's claims re-signed with the attacker's key, under the given header. */
const attackerSigned = (f: Fixtures, header: Record<string, unknown>, claims: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT({ ...segments(f.good).payload, ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(f.attacker.privateKey);

/** One of the demo user's own tokens from the password grant that is not a Graph access token (`id_token`, `refresh_token`). */
async function demoUserToken(f: Fixtures, scope: string, field: 'id_token' | 'refresh_token'): Promise<string> {
  const user = f.emu.demo.users[0]!;
  const res = await postToken(f.emu, f.emu.demo.tenantId, { grant_type: 'password', client_id: f.emu.demo.clientId, username: user.userPrincipalName, password: user.password, scope });
  return String(res.body[field]);
}

const ATTACKS: Attack[] = [
  // Algorithm and key confusion.
  { name: 'alg none, no signature', token: (f) => `${b64({ typ: 'JWT', alg: 'none', kid: f.realJwk.kid })}.${f.good.split('.')[1]}.`, message: BAD_SIGNATURE },
  { name: 'alg none without kid', token: (f) => `${b64({ typ: 'JWT', alg: 'none' })}.${f.good.split('.')[1]}.`, message: BAD_SIGNATURE },
  {
    name: 'HS256 signed with the public key as HMAC secret (key confusion)',
    token: (f) => {
      const pem = createPublicKey({ key: f.realJwk as import('node:crypto').JsonWebKey, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const input = `${b64({ typ: 'JWT', alg: 'HS256', kid: f.realJwk.kid })}.${b64({ ...segments(f.good).payload, roles: ['Directory.ReadWrite.All'] })}`;
      return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    },
    message: BAD_SIGNATURE,
  },
  { name: 'header switched to RS512, original signature', token: (f) => `${b64({ ...segments(f.good).header, alg: 'RS512' })}.${f.good.split('.').slice(1).join('.')}`, message: BAD_SIGNATURE },
  // Headers that point the verifier at the attacker's key: never followed, never fetched.
  { name: 'jku to the attacker JWKS, attacker kid', token: (f) => attackerSigned(f, { jku: `${f.attackerUrl}/jwks.json`, kid: f.attacker.jwk.kid }), message: BAD_SIGNATURE },
  { name: 'jku to the attacker JWKS, our kid', token: (f) => attackerSigned(f, { jku: `${f.attackerUrl}/jwks.json`, kid: f.realJwk.kid }), message: BAD_SIGNATURE },
  { name: 'x5u to the attacker certificate', token: (f) => attackerSigned(f, { x5u: `${f.attackerUrl}/cert.pem`, kid: f.attacker.jwk.kid }), message: BAD_SIGNATURE },
  { name: 'attacker key embedded as jwk header', token: (f) => attackerSigned(f, { jwk: f.attacker.jwk, kid: f.realJwk.kid }), message: BAD_SIGNATURE },
  // Unknown and hostile key ids.
  { name: 'kid of an unknown key', token: (f) => attackerSigned(f, { kid: randomUUID() }), message: BAD_SIGNATURE },
  { name: 'kid with a path', token: (f) => attackerSigned(f, { kid: '../../../../dev/null' }), message: BAD_SIGNATURE },
  { name: 'kid with SQL', token: (f) => attackerSigned(f, { kid: "' OR '1'='1" }), message: BAD_SIGNATURE },
  { name: 'kid that is not a string', token: (f) => attackerSigned(f, { kid: 42 }), message: BAD_SIGNATURE },
  // Claims changed after signing.
  {
    name: 'payload tampered (roles), original signature',
    token: (f) => `${f.good.split('.')[0]}.${b64({ ...segments(f.good).payload, roles: ['Directory.ReadWrite.All'] })}.${segments(f.good).signature}`,
    message: BAD_SIGNATURE,
  },
  {
    name: 'payload tampered (exp extended), original signature',
    token: (f) => `${f.good.split('.')[0]}.${b64({ ...segments(f.good).payload, exp: 4102444800 })}.${segments(f.good).signature}`,
    message: BAD_SIGNATURE,
  },
  { name: 'issuer of another tenant, re-signed by the attacker', token: (f) => attackerSigned(f, { kid: f.realJwk.kid }, { iss: `https://sts.windows.net/${randomUUID()}/` }), message: BAD_SIGNATURE },
  { name: 'signature truncated', token: (f) => f.good.slice(0, -8), message: BAD_SIGNATURE },
  // Lifetime.
  { name: 'expired (exp an hour ago)', token: (f) => mintToken(f.emu, { lifetimeSeconds: -3600 }), message: EXPIRED },
  { name: 'nbf an hour ahead', token: (f) => mintToken(f.emu, { notBeforeSeconds: 3600 }), message: NOT_YET_VALID },
  // Genuine tokens of ours that are not Graph access tokens.
  { name: 'another audience', token: (f) => mintToken(f.emu, { audience: 'api://other' }), message: BAD_AUDIENCE },
  {
    name: 'an ID token (audience: the client)',
    token: (f) => demoUserToken(f, 'User.Read openid offline_access', 'id_token'),
    message: BAD_AUDIENCE,
  },
  {
    name: 'a refresh token',
    token: (f) => demoUserToken(f, 'User.Read offline_access', 'refresh_token'),
    message: BAD_AUDIENCE,
  },
  // Tenant and app of the token.
  {
    name: 'issuer naming a tenant that does not exist (deleted)',
    token: async (f) => {
      const tenant = await control<{ id: string }>(f.emu, 'POST', '/tenants', { displayName: 'Gone' }, 201);
      const app = await control<{ clientId: string }>(f.emu, 'POST', `/tenants/${tenant.id}/apps`, { displayName: 'Gone app', applicationPermissions: ['User.Read.All'] }, 201);
      const token = await mintToken(f.emu, { clientId: app.clientId });
      await control(f.emu, 'DELETE', `/tenants/${tenant.id}`, undefined, 204);
      return token;
    },
    message: BAD_ISSUER,
  },
  {
    name: 'appid naming no registered app (app deleted before first use)',
    token: async (f) => {
      const app = await control<{ clientId: string }>(f.emu, 'POST', `/tenants/${f.emu.demo.tenantId}/apps`, { displayName: 'Deleted app', applicationPermissions: ['User.Read.All'] }, 201);
      const token = await mintToken(f.emu, { clientId: app.clientId });
      await control(f.emu, 'DELETE', `/tenants/${f.emu.demo.tenantId}/apps/${app.clientId}`, undefined, 204);
      return token;
    },
    message: INVALID,
  },
  {
    name: 'delegated token whose app is gone',
    token: async (f) => {
      const app = await control<{ clientId: string }>(f.emu, 'POST', `/tenants/${f.emu.demo.tenantId}/apps`, { displayName: 'Deleted app', delegatedPermissions: ['User.Read'] }, 201);
      const token = await mintToken(f.emu, { clientId: app.clientId, userId: f.emu.demo.users[0]!.id, scopes: ['User.Read.All'] });
      await control(f.emu, 'DELETE', `/tenants/${f.emu.demo.tenantId}/apps/${app.clientId}`, undefined, 204);
      return token;
    },
    message: INVALID,
  },
  {
    name: "cross-tenant: another tenant's token whose appid is an app of this tenant",
    token: async (f) => {
      // The client id was registered in tenant B when the token was issued, and is now this tenant's.
      const other = await control<{ id: string }>(f.emu, 'POST', '/tenants', { displayName: 'Fabrikam' }, 201);
      const clientId = randomUUID();
      await control(f.emu, 'POST', `/tenants/${other.id}/apps`, { clientId, displayName: 'Moved app', applicationPermissions: ['User.Read.All'] }, 201);
      const token = await mintToken(f.emu, { clientId });
      await control(f.emu, 'DELETE', `/tenants/${other.id}/apps/${clientId}`, undefined, 204);
      await control(f.emu, 'POST', `/tenants/${f.emu.demo.tenantId}/apps`, { clientId, displayName: 'Moved app', applicationPermissions: ['User.Read.All'] }, 201);
      return token;
    },
    message: INVALID,
  },
  // Unsigned and malformed segments.
  { name: 'not a JWT', token: () => 'not-a-jwt', message: MALFORMED },
  { name: 'three empty segments', token: () => '..', message: MALFORMED },
  { name: 'a.b.c', token: () => 'a.b.c', message: MALFORMED },
  { name: 'two segments', token: (f) => f.good.split('.').slice(0, 2).join('.'), message: MALFORMED },
  { name: 'four segments', token: (f) => `${f.good}.AAAA`, message: MALFORMED },
  { name: 'header that is not JSON', token: (f) => `${b64('{"alg":')}.${f.good.split('.').slice(1).join('.')}`, message: MALFORMED },
  { name: 'header that is a JSON array', token: (f) => `${b64([1, 2])}.${f.good.split('.').slice(1).join('.')}`, message: MALFORMED },
  {
    name: 'characters outside base64url',
    token: (f) => `${f.good.split('.')[0]}.$$$$.${segments(f.good).signature}`,
    message: BAD_SIGNATURE /* the signature is checked before the payload is read */,
  },
];

describe('forged and invalid tokens: 401 in Graph shape, no data, no key fetched', () => {
  let fixtures: Fixtures;
  let receiver: Server;
  let received = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received += 1;
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const emu = await startTestEmulator();
    const jwks = (await (await fetch(`${emu.url}/${emu.demo.tenantId}/discovery/v2.0/keys`)).json()) as { keys: Array<JWK & { kid: string }> };
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    fixtures = {
      emu,
      good: await appToken(emu),
      realJwk: jwks.keys[0]!,
      attacker: { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'attacker-key', alg: 'RS256', use: 'sig' } },
      attackerUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    };
  });
  afterAll(async () => {
    await fixtures.emu.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const targets = (f: Fixtures): string[] => [`/v1.0/users/${f.emu.demo.organizerUserId}`, `/beta/users/${f.emu.demo.organizerUserId}/onlineMeetings/${f.emu.demo.meetingId}/recordings`];

  it('the good token reads both endpoints (the baseline every attack departs from)', async () => {
    for (const path of targets(fixtures)) {
      const res = await fetch(`${fixtures.emu.url}${path}`, { headers: { authorization: `Bearer ${fixtures.good}` } });
      expect(res.status, path).toBe(200);
    }
  });

  it.each(ATTACKS)('$name', async ({ token, message }) => {
    const forged = await token(fixtures);
    for (const path of targets(fixtures)) {
      const res = await fetch(`${fixtures.emu.url}${path}`, { headers: { authorization: `Bearer ${forged}` } });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ path, status: res.status, code: body.error?.code, message: body.error?.message }).toEqual({ path, status: 401, code: 'InvalidAuthenticationToken', message });
      expectGraphError(path.startsWith('/beta') ? 'beta' : 'v1.0', body);
      expect(Object.keys(body)).toEqual(['error']);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="", authorization_uri="[^"]+", client_id="00000003-0000-0000-c000-000000000000"$/);
    }
  });

  it("a token of another tenant reads nothing of this tenant's (Graph looks resources up in the token's tenant: 404)", async () => {
    const other = await control<{ id: string }>(fixtures.emu, 'POST', '/tenants', { displayName: 'Northwind' }, 201);
    const app = await control<{ clientId: string }>(
      fixtures.emu,
      'POST',
      `/tenants/${other.id}/apps`,
      { displayName: 'Northwind app', applicationPermissions: ['User.Read.All', 'OnlineMeetingRecording.Read.All'] },
      201,
    );
    const token = await mintToken(fixtures.emu, { clientId: app.clientId });
    for (const path of targets(fixtures)) {
      const res = await fetch(`${fixtures.emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(404);
      expect(Object.keys(body)).toEqual(['error']);
    }
  });

  it('no header ever made the emulator fetch a key (jku, x5u): the attacker host saw no request', () => {
    expect(received).toBe(0);
  });
});
