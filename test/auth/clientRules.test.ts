import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { control, expectEntraError, postToken, type RawResponse } from './support.js';

interface AppRecord {
  clientId: string;
  clientSecrets: string[];
  isFallbackPublicClient: boolean;
}

const REDIRECT_URI = 'https://app.example/signed-in';

/** Sign `userId` in at the authorize endpoint (the page's form post) and return the code. */
async function authorizationCode(emu: TestEmulator, tenantId: string, clientId: string, userId: string): Promise<string> {
  const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'User.Read offline_access' });
  const res = await fetch(`${emu.url}/${tenantId}/oauth2/v2.0/authorize?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId }),
    redirect: 'manual',
  });
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

const expectTokens = (res: RawResponse): void => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(typeof res.body['access_token']).toBe('string');
};

describe('confidential clients present their credentials on every grant', () => {
  let emu: TestEmulator;
  let confidential: AppRecord;
  let publicClient: AppRecord;
  const user = () => emu.demo.users[0]!;

  beforeAll(async () => {
    emu = await startTestEmulator();
    const tenant = emu.demo.tenantId;
    const common = { delegatedPermissions: ['User.Read'], redirectUris: [REDIRECT_URI] };
    confidential = await control<AppRecord>(emu, 'POST', `/tenants/${tenant}/apps`, { displayName: 'Web app', ...common }, 201);
    publicClient = await control<AppRecord>(emu, 'POST', `/tenants/${tenant}/apps`, { displayName: 'Desktop tool', isFallbackPublicClient: true, ...common }, 201);
  });
  afterAll(async () => emu.stop());

  const password = (app: AppRecord, extra: Record<string, string> = {}) =>
    postToken(emu, emu.demo.tenantId, { grant_type: 'password', client_id: app.clientId, username: user().userPrincipalName, password: user().password, scope: 'User.Read offline_access', ...extra });

  it('apps are confidential unless they allow public client flows; the demo app allows them', async () => {
    expect(confidential.isFallbackPublicClient).toBe(false);
    expect(publicClient.isFallbackPublicClient).toBe(true);
    const apps = await control<{ value: AppRecord[] }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/apps`);
    expect(apps.value.find((a) => a.clientId === emu.demo.clientId)?.isFallbackPublicClient).toBe(true);
  });

  it('password grant: no secret is AADSTS7000218, a wrong one AADSTS7000215, the right one works', async () => {
    const missing = await password(confidential);
    expectEntraError(missing, 401, 'invalid_client', 7000218);
    expect(missing.body['error_description']).toMatch(/^AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'\./);
    expect(missing.body['access_token']).toBeUndefined();
    expectEntraError(await password(confidential, { client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    expectTokens(await password(confidential, { client_secret: confidential.clientSecrets[0]! }));
  });

  it('authorization_code grant: a confidential client without its secret is refused, and the code is spent', async () => {
    const code = await authorizationCode(emu, emu.demo.tenantId, confidential.clientId, user().id);
    const redeem = (extra: Record<string, string>) =>
      postToken(emu, emu.demo.tenantId, { grant_type: 'authorization_code', client_id: confidential.clientId, code, redirect_uri: REDIRECT_URI, ...extra });
    expectEntraError(await redeem({}), 401, 'invalid_client', 7000218);
    expectEntraError(await redeem({ client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    expectTokens(await redeem({ client_secret: confidential.clientSecrets[0]! }));
  });

  it('refresh_token grant: a confidential client without its secret is refused', async () => {
    const first = await password(confidential, { client_secret: confidential.clientSecrets[0]! });
    const refreshToken = String(first.body['refresh_token']);
    const refresh = (extra: Record<string, string>) => postToken(emu, emu.demo.tenantId, { grant_type: 'refresh_token', client_id: confidential.clientId, refresh_token: refreshToken, ...extra });
    expectEntraError(await refresh({}), 401, 'invalid_client', 7000218);
    expectEntraError(await refresh({ client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    expectTokens(await refresh({ client_secret: confidential.clientSecrets[0]! }));
  });

  it('a public client uses all three delegated grants without a secret (a wrong one is still refused)', async () => {
    const first = await password(publicClient);
    expectTokens(first);
    expectEntraError(await password(publicClient, { client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    expectTokens(await postToken(emu, emu.demo.tenantId, { grant_type: 'refresh_token', client_id: publicClient.clientId, refresh_token: String(first.body['refresh_token']) }));
    const code = await authorizationCode(emu, emu.demo.tenantId, publicClient.clientId, user().id);
    expectTokens(await postToken(emu, emu.demo.tenantId, { grant_type: 'authorization_code', client_id: publicClient.clientId, code, redirect_uri: REDIRECT_URI }));
    // Client credentials always need the secret, public client or not.
    expectEntraError(
      await postToken(emu, emu.demo.tenantId, { grant_type: 'client_credentials', client_id: publicClient.clientId, scope: 'https://graph.microsoft.com/.default' }),
      401,
      'invalid_client',
      7000218,
    );
  });

  it('turning public client flows off (PATCH) makes the app confidential at once', async () => {
    const app = await control<AppRecord>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'Toggled', delegatedPermissions: ['User.Read'], isFallbackPublicClient: true }, 201);
    expectTokens(await password(app));
    const patched = await control<AppRecord>(emu, 'PATCH', `/tenants/${emu.demo.tenantId}/apps/${app.clientId}`, { isFallbackPublicClient: false });
    expect(patched.isFallbackPublicClient).toBe(false);
    expectEntraError(await password(app), 401, 'invalid_client', 7000218);
  });
});

describe('the logout endpoint redirects only to a redirect URI registered for the app', () => {
  let emu: TestEmulator;
  let otherTenant: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    otherTenant = (await control<{ id: string }>(emu, 'POST', '/tenants', { displayName: `Fabrikam ${randomUUID().slice(0, 8)}` }, 201)).id;
  });
  afterAll(async () => emu.stop());

  const logout = (tenant: string, params: Record<string, string>) => fetch(`${emu.url}/${tenant}/oauth2/v2.0/logout?${new URLSearchParams(params)}`, { redirect: 'manual' });

  async function expectRefused(res: Response, aadsts: number): Promise<void> {
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain(`AADSTS${aadsts}: `);
    expect(page).not.toMatch(/<script|http-equiv="refresh"/i);
  }

  it('a registered redirect URI (any loopback port, as at sign-in) is followed', async () => {
    for (const target of ['http://localhost/callback', 'http://localhost:53117/callback']) {
      const res = await logout(emu.demo.tenantId, { client_id: emu.demo.clientId, post_logout_redirect_uri: target });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(target);
    }
    // Through /common the app's own tenant is used.
    expect((await logout('common', { client_id: emu.demo.clientId, post_logout_redirect_uri: 'http://localhost/callback' })).status).toBe(302);
  });

  it('a foreign URI is not followed (AADSTS50011), nor a javascript: one', async () => {
    await expectRefused(await logout(emu.demo.tenantId, { client_id: emu.demo.clientId, post_logout_redirect_uri: 'https://attacker.example/phish' }), 50011);
    await expectRefused(await logout(emu.demo.tenantId, { client_id: emu.demo.clientId, post_logout_redirect_uri: 'javascript:alert(1)' }), 50011);
  });

  it('an ID token of the app (id_token_hint, as MSAL.js sends) names the app too; a tampered one does not', async () => {
    const user = emu.demo.users[0]!;
    const signedIn = await postToken(emu, emu.demo.tenantId, {
      grant_type: 'password',
      client_id: emu.demo.clientId,
      username: user.userPrincipalName,
      password: user.password,
      scope: 'User.Read openid',
    });
    const idToken = String(signedIn.body['id_token']);
    const ok = await logout(emu.demo.tenantId, { id_token_hint: idToken, post_logout_redirect_uri: 'http://localhost/callback' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('http://localhost/callback');
    await expectRefused(await logout(emu.demo.tenantId, { id_token_hint: idToken, post_logout_redirect_uri: 'https://attacker.example/' }), 50011);
    const [header, payload] = idToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await expectRefused(await logout(emu.demo.tenantId, { id_token_hint: forged, post_logout_redirect_uri: 'http://localhost/callback' }), 900144);
  });

  it('without a client_id to check the URI against, nothing is followed', async () => {
    await expectRefused(await logout(emu.demo.tenantId, { post_logout_redirect_uri: 'http://localhost/callback' }), 900144);
  });

  it('an app of another tenant, or an unknown tenant, does not vouch for the URI', async () => {
    await expectRefused(await logout(otherTenant, { client_id: emu.demo.clientId, post_logout_redirect_uri: 'http://localhost/callback' }), 700016);
    await expectRefused(await logout(randomUUID(), { client_id: emu.demo.clientId, post_logout_redirect_uri: 'http://localhost/callback' }), 90002);
  });

  it('without post_logout_redirect_uri: the signed-out page', async () => {
    const res = await logout(emu.demo.tenantId, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You have signed out.');
  });
});
