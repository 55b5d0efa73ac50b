import { ClientSecretCredential, UsernamePasswordCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulation/demoTenant.js';
import { SEED_APPLICATION_PERMISSIONS, SEED_DELEGATED_PERMISSIONS } from '../../src/domain/permissions.js';
import { control, expectEntraError, GRAPH_DEFAULT, postToken } from '../auth/support.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

type Policy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy'];

/** Records what @azure/identity puts on the wire (a pipeline policy, the SDK's own extension point). */
function recorder(): { policy: Policy; requests: Array<{ url: string; headers: Record<string, string>; body: string }> } {
  const requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  return {
    requests,
    policy: {
      name: 'recorder',
      sendRequest: async (request, next) => {
        requests.push({ url: request.url, headers: request.headers.toJSON(), body: typeof request.body === 'string' ? request.body : '' });
        return next(request);
      },
    },
  };
}

/** What getToken threw, for asserting on the credential's error. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
  throw new Error('expected getToken to fail');
}

describe('@azure/identity against the identity platform', () => {
  let emu: TestEmulator;
  const options = (): ClientSecretCredentialOptions => ({ authorityHost: emu.url, disableInstanceDiscovery: true });

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it('ClientSecretCredential gets a v1 app token whose signature verifies against the published JWKS', async () => {
    const credential = new ClientSecretCredential(emu.demo.tenantId, emu.demo.clientId, emu.demo.clientSecret, options());
    const token = await credential.getToken(GRAPH_DEFAULT);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);

    const claims = decodeJwt(token.token);
    const apps = (await (await fetch(`${emu.url}/_emulator/tenants/${emu.demo.tenantId}/apps`)).json()) as { value: Array<{ clientId: string; servicePrincipalId: string }> };
    const servicePrincipalId = apps.value.find((a) => a.clientId === emu.demo.clientId)?.servicePrincipalId;
    expect(servicePrincipalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${emu.demo.tenantId}/`,
      tid: emu.demo.tenantId,
      oid: servicePrincipalId,
      sub: servicePrincipalId,
      appid: emu.demo.clientId,
      idtyp: 'app',
      ver: '1.0',
    });
    expect([...(claims['roles'] as string[])].sort()).toEqual([...SEED_APPLICATION_PERMISSIONS].sort());
    expect(claims['scp']).toBeUndefined();

    // A resource server's check: the keys come from the discovery document's jwks_uri.
    const discovery = (await (await fetch(`${emu.url}/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    expect(discovery.jwks_uri).toBe(`${emu.url}/${emu.demo.tenantId}/discovery/v2.0/keys`);
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(token.token, jwks, {
      audience: 'https://graph.microsoft.com',
      issuer: `https://sts.windows.net/${emu.demo.tenantId}/`,
      algorithms: ['RS256'],
    });
    expect(payload.appid).toBe(emu.demo.clientId);
    expect(protectedHeader).toMatchObject({ typ: 'JWT', alg: 'RS256' });
    // The same keys answer the v1 path that notification validation tokens use.
    const v1Keys = (await (await fetch(`${emu.url}/common/discovery/keys`)).json()) as { keys: Array<{ kid: string }> };
    expect(v1Keys.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
  });

  it('a token altered after signing fails the JWKS check', async () => {
    const credential = new ClientSecretCredential(emu.demo.tenantId, emu.demo.clientId, emu.demo.clientSecret, options());
    const { token } = await credential.getToken(GRAPH_DEFAULT);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), roles: ['Directory.ReadWrite.All'] })).toString('base64url');
    const jwks = createRemoteJWKSet(new URL(`${emu.url}/${emu.demo.tenantId}/discovery/v2.0/keys`));
    await expect(jwtVerify(`${header}.${forged}.${signature}`, jwks)).rejects.toThrow(/signature verification failed/);
    expect(decodeProtectedHeader(token).kid).toBeDefined();
  });

  it('UsernamePasswordCredential gets a delegated token for a demo user', async () => {
    const user = emu.demo.users[1]!;
    const credential = new UsernamePasswordCredential(emu.demo.tenantId, emu.demo.clientId, user.userPrincipalName, user.password, options());
    const claims = decodeJwt((await credential.getToken(GRAPH_DEFAULT)).token);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${emu.demo.tenantId}/`,
      tid: emu.demo.tenantId,
      oid: user.id,
      upn: user.userPrincipalName,
      name: user.displayName,
      appid: emu.demo.clientId,
      idtyp: 'user',
      ver: '1.0',
    });
    expect(String(claims['scp']).split(' ').sort()).toEqual([...SEED_DELEGATED_PERMISSIONS].sort());
    expect(claims['roles']).toBeUndefined();

    // Named scopes give exactly those scopes.
    const narrow = new UsernamePasswordCredential(emu.demo.tenantId, emu.demo.clientId, user.userPrincipalName, user.password, options());
    expect(decodeJwt((await narrow.getToken('https://graph.microsoft.com/User.Read')).token)['scp']).toBe('User.Read');
  });

  it('a wrong password is invalid_grant AADSTS50126', async () => {
    const user = emu.demo.users[0]!;
    const credential = new UsernamePasswordCredential(emu.demo.tenantId, emu.demo.clientId, user.userPrincipalName, 'not-the-password', options());
    expect((await failure(credential.getToken(GRAPH_DEFAULT))).message).toContain('AADSTS50126');
    const raw = await postToken(emu, emu.demo.tenantId, { grant_type: 'password', client_id: emu.demo.clientId, username: user.userPrincipalName, password: 'nope', scope: GRAPH_DEFAULT });
    expectEntraError(raw, 400, 'invalid_grant', 50126);
  });

  it('a wrong secret is 401 invalid_client AADSTS7000215', async () => {
    const credential = new ClientSecretCredential(emu.demo.tenantId, emu.demo.clientId, 'wrong-secret', options());
    const err = await failure(credential.getToken(GRAPH_DEFAULT));
    expect(err.message).toContain('AADSTS7000215');
    // @azure/identity wraps MSAL's ServerError; the server's error code survives in the message.
    expect(err.name).toBe('AuthenticationRequiredError');
    expect(err.message).toMatch(/^invalid_client: /);

    const raw = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', client_id: emu.demo.clientId, client_secret: 'wrong-secret', scope: GRAPH_DEFAULT });
    expectEntraError(raw, 401, 'invalid_client', 7000215);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an unknown tenant is AADSTS90002, at discovery and at the token endpoint', async () => {
    const tenant = randomUUID();
    const credential = new ClientSecretCredential(tenant, emu.demo.clientId, emu.demo.clientSecret, options());
    // MSAL cannot resolve the authority's endpoints: discovery answered 400.
    expect((await failure(credential.getToken(GRAPH_DEFAULT))).message).toContain('endpoints_resolution_error');

    const discovery = await fetch(`${emu.url}/${tenant}/v2.0/.well-known/openid-configuration`);
    expectEntraError({ status: discovery.status, headers: discovery.headers, body: (await discovery.json()) as Record<string, unknown> }, 400, 'invalid_tenant', 90002);
    const raw = await postToken(emu, tenant, { grant_type: 'client_credentials', client_id: emu.demo.clientId, client_secret: emu.demo.clientSecret, scope: GRAPH_DEFAULT });
    expectEntraError(raw, 400, 'invalid_tenant', 90002);
    expect(raw.body['error_description']).toContain(`Tenant '${tenant}' not found`);
  });

  it('an unknown client id is AADSTS700016', async () => {
    const clientId = randomUUID();
    const credential = new ClientSecretCredential(emu.demo.tenantId, clientId, emu.demo.clientSecret, options());
    expect((await failure(credential.getToken(GRAPH_DEFAULT))).message).toContain('AADSTS700016');
    const raw = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'x', scope: GRAPH_DEFAULT });
    expectEntraError(raw, 400, 'unauthorized_client', 700016);
  });

  it('client credentials with a scope other than /.default is invalid_scope AADSTS1002012', async () => {
    const credential = new ClientSecretCredential(emu.demo.tenantId, emu.demo.clientId, emu.demo.clientSecret, options());
    expect((await failure(credential.getToken('https://graph.microsoft.com/User.Read.All'))).message).toContain('AADSTS1002012');
    const raw = await postToken(emu, emu.demo.tenantId, {
      grant_type: 'client_credentials',
      client_id: emu.demo.clientId,
      client_secret: emu.demo.clientSecret,
      scope: 'https://graph.microsoft.com/User.Read.All',
    });
    expectEntraError(raw, 400, 'invalid_scope', 1002012);
  });

  it('an unsupported grant type is AADSTS70003; a missing parameter is AADSTS900144', async () => {
    const base = { client_id: emu.demo.clientId, client_secret: emu.demo.clientSecret, scope: GRAPH_DEFAULT };
    expectEntraError(await postToken(emu, emu.demo.tenantId, { ...base, grant_type: 'urn:example:made-up' }), 400, 'unsupported_grant_type', 70003);
    const noGrant = await postToken(emu, emu.demo.tenantId, base);
    expectEntraError(noGrant, 400, 'invalid_request', 900144);
    expect(noGrant.body['error_description']).toContain("'grant_type'");
    const noScope = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', client_id: emu.demo.clientId, client_secret: emu.demo.clientSecret });
    expectEntraError(noScope, 400, 'invalid_request', 900144);
    expect(noScope.body['error_description']).toContain("'scope'");
  });

  it('a delegated scope the app has no consent for is AADSTS65001', async () => {
    const user = emu.demo.users[0]!;
    const credential = new UsernamePasswordCredential(emu.demo.tenantId, emu.demo.clientId, user.userPrincipalName, user.password, options());
    expect((await failure(credential.getToken('https://graph.microsoft.com/Mail.Send'))).message).toContain('AADSTS65001');
    const raw = await postToken(emu, emu.demo.tenantId, {
      grant_type: 'password',
      client_id: emu.demo.clientId,
      username: user.userPrincipalName,
      password: user.password,
      scope: 'https://graph.microsoft.com/Mail.Send openid offline_access',
    });
    expectEntraError(raw, 400, 'invalid_grant', 65001);
  });

  it('tolerates the claims parameter and the x-client-* telemetry MSAL sends', async () => {
    const { policy, requests } = recorder();
    const credential = new ClientSecretCredential(emu.demo.tenantId, emu.demo.clientId, emu.demo.clientSecret, {
      ...options(),
      additionalPolicies: [{ policy, position: 'perCall' }],
    });
    // A CAE claims challenge, as a resource's WWW-Authenticate would hand it over.
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: String(Math.floor(Date.now() / 1000)) } } });
    const token = await credential.getToken(GRAPH_DEFAULT, { claims });
    expect(decodeJwt(token.token)['appid']).toBe(emu.demo.clientId);

    const tokenRequest = requests.find((r) => new URL(r.url).pathname.endsWith('/oauth2/v2.0/token'));
    expect(tokenRequest, JSON.stringify(requests.map((r) => r.url))).toBeDefined();
    const sent = new URLSearchParams(tokenRequest!.body);
    expect(sent.get('claims')).toContain('"nbf"');
    expect(sent.get('x-client-SKU')).toMatch(/msal/);
    expect(sent.get('x-client-current-telemetry')).toMatch(/^5\|/);
    expect(sent.get('client-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // The same by hand: unknown parameters and headers do not disturb the grant.
    const raw = await postToken(
      emu,
      emu.demo.tenantId,
      {
        grant_type: 'client_credentials',
        client_id: emu.demo.clientId,
        client_secret: emu.demo.clientSecret,
        scope: GRAPH_DEFAULT,
        claims,
        'x-client-SKU': 'msal.js.node',
        'x-client-VER': '5.0.0',
        'x-ms-lib-capability': 'retry-after, h429',
      },
      { 'x-client-current-telemetry': '5|771,2,,,|,', 'x-client-last-telemetry': '5|0|||0,0', 'client-request-id': randomUUID(), 'return-client-request-id': 'true' },
    );
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(raw.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
  });

  it('client credentials without any client credential is 401 invalid_client AADSTS7000218', async () => {
    const raw = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', client_id: emu.demo.clientId, scope: GRAPH_DEFAULT });
    expectEntraError(raw, 401, 'invalid_client', 7000218);
  });

  it('the password grant for a user the tenant does not have is AADSTS50034', async () => {
    const credential = new UsernamePasswordCredential(emu.demo.tenantId, emu.demo.clientId, 'nobody@contoso.onmicrosoft.com', 'x', options());
    expect((await failure(credential.getToken(GRAPH_DEFAULT))).message).toContain('AADSTS50034');
    const raw = await postToken(emu, emu.demo.tenantId, { grant_type: 'password', client_id: emu.demo.clientId, username: 'nobody@contoso.onmicrosoft.com', password: 'x', scope: GRAPH_DEFAULT });
    expectEntraError(raw, 400, 'invalid_grant', 50034);
  });

  it("GET on the token endpoint is AADSTS900561, in the identity platform's error shape", async () => {
    const res = await fetch(`${emu.url}/${emu.demo.tenantId}/oauth2/v2.0/token`);
    expectEntraError({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }, 400, 'invalid_request', 900561);
  });

  it('an app with no application permissions gets a token without a roles claim, which Graph refuses with 403', async () => {
    const app = await control<{ clientId: string; clientSecrets: string[] }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'No permissions' }, 201);
    const credential = new ClientSecretCredential(emu.demo.tenantId, app.clientId, app.clientSecrets[0]!, options());
    const { token } = await credential.getToken(GRAPH_DEFAULT);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ appid: app.clientId, idtyp: 'app' });
    expect('roles' in claims).toBe(false);
    const res = await fetch(`${emu.url}/v1.0/users/${emu.demo.organizerUserId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
  });

  it('the OIDC discovery documents name this emulator for every endpoint', async () => {
    const tenant = emu.demo.tenantId;
    const doc = (await (await fetch(`${emu.url}/${tenant}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: `${emu.url}/${tenant}/v2.0`,
      authorization_endpoint: `${emu.url}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${emu.url}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${emu.url}/${tenant}/discovery/v2.0/keys`,
      userinfo_endpoint: `${emu.url}/oidc/userinfo`,
      end_session_endpoint: `${emu.url}/${tenant}/oauth2/v2.0/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(doc['token_endpoint_auth_methods_supported']).toEqual(expect.arrayContaining(['client_secret_post', 'client_secret_basic']));
    const multi = (await (await fetch(`${emu.url}/organizations/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(multi['issuer']).toBe(`${emu.url}/{tenantid}/v2.0`);
    expect(multi['token_endpoint']).toBe(`${emu.url}/organizations/oauth2/v2.0/token`);
    const instance = (await (await fetch(`${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=x`)).json()) as Record<string, unknown>;
    expect(instance['tenant_discovery_endpoint']).toBe(`${emu.url}/common/v2.0/.well-known/openid-configuration`);
  });

  it('client_secret_basic authenticates the client too', async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const ok = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', scope: GRAPH_DEFAULT }, { authorization: basic(emu.demo.clientId, emu.demo.clientSecret) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(decodeJwt(String(ok.body['access_token']))['appid']).toBe(emu.demo.clientId);
    const bad = await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', scope: GRAPH_DEFAULT }, { authorization: basic(emu.demo.clientId, 'wrong') });
    expectEntraError(bad, 401, 'invalid_client', 7000215);
  });

  it('accepts the tenant by its domain name and the demo secret is the one documented', async () => {
    const credential = new ClientSecretCredential(DEMO.tenantDomain, emu.demo.clientId, DEMO.clientSecret, options());
    expect(decodeJwt((await credential.getToken(GRAPH_DEFAULT)).token)['tid']).toBe(emu.demo.tenantId);
  });
});
