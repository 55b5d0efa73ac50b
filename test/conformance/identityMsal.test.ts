import { ConfidentialClientApplication, CryptoProvider, PublicClientApplication, ServerError, type AuthenticationResult } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEntraError, GRAPH_DEFAULT, postToken } from '../auth/support.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

const REDIRECT_URI = 'http://localhost/callback';
const SCOPES = ['User.Read', 'OnlineMeetings.Read'];
const crypto = new CryptoProvider();

/** The hidden fields of the sign-in form, as a browser would submit them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(m[1]!)] = unescape(m[2]!);
  return fields;
}

/** A user at the browser picks an account on the sign-in page; the emulator's answer to that POST. */
async function pickAccount(authorizeUrl: string, userId: string): Promise<Response> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`value="${userId}"`);
  return fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenFields(html), user_id: userId }),
    redirect: 'manual',
  });
}

/** Sign in with response_mode=query: the 302 Location back to the app. */
async function signIn(authorizeUrl: string, userId: string): Promise<URL> {
  const posted = await pickAccount(authorizeUrl, userId);
  expect(posted.status, await posted.clone().text()).toBe(302);
  return new URL(posted.headers.get('location')!);
}

async function serverError(promise: Promise<unknown>): Promise<ServerError> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ServerError);
    return err as ServerError;
  }
  throw new Error('expected MSAL to fail');
}

describe('@azure/msal-node against the identity platform', () => {
  let emu: TestEmulator;
  let host: string;
  const confidential = () =>
    new ConfidentialClientApplication({
      auth: { clientId: emu.demo.clientId, clientSecret: emu.demo.clientSecret, authority: `${emu.url}/${emu.demo.tenantId}`, knownAuthorities: [host] },
    });

  /** getAuthCodeUrl with PKCE, for the given redirect URI. */
  async function authCodeRequest(app: ConfidentialClientApplication, redirectUri = REDIRECT_URI) {
    const pkce = await crypto.generatePkceCodes();
    const state = crypto.createNewGuid();
    const nonce = crypto.createNewGuid();
    const url = await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', state, nonce });
    return { url, pkce, state, nonce };
  }

  beforeAll(async () => {
    emu = await startTestEmulator();
    host = new URL(emu.url).host;
  });
  afterAll(async () => emu.stop());

  it('acquireTokenByClientCredential with knownAuthorities', async () => {
    const result = await confidential().acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
    expect(result).not.toBeNull();
    expect(result!.tokenType).toBe('Bearer');
    expect(decodeJwt(result!.accessToken)).toMatchObject({ appid: emu.demo.clientId, tid: emu.demo.tenantId, idtyp: 'app', ver: '1.0' });
  });

  it('acquireTokenByClientCredential with authorityMetadata and cloudDiscoveryMetadata instead of knownAuthorities', async () => {
    const authority = `${emu.url}/${emu.demo.tenantId}`;
    const authorityMetadata = await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).text();
    const instanceUrl = `${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${authority}/oauth2/v2.0/authorize`)}`;
    const cloudDiscoveryMetadata = await (await fetch(instanceUrl)).text();
    expect(JSON.parse(cloudDiscoveryMetadata)).toMatchObject({ metadata: [{ aliases: [host] }] });
    const app = new ConfidentialClientApplication({ auth: { clientId: emu.demo.clientId, clientSecret: emu.demo.clientSecret, authority, authorityMetadata, cloudDiscoveryMetadata } });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
    expect(decodeJwt(result!.accessToken)['appid']).toBe(emu.demo.clientId);
  });

  it('authorization code + PKCE: sign-in page, redirect, tokens, account, silent refresh', async () => {
    const app = confidential();
    const { url, pkce, state, nonce } = await authCodeRequest(app);
    expect(url.startsWith(`${emu.url}/${emu.demo.tenantId}/oauth2/v2.0/authorize?`)).toBe(true);

    const page = await fetch(url);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const user of emu.demo.users) {
      expect(html).toContain(user.displayName);
      expect(html).toContain(user.userPrincipalName);
    }

    const megan = emu.demo.users[1]!;
    const landing = await signIn(url, megan.id);
    expect(`${landing.origin}${landing.pathname}`).toBe(REDIRECT_URI);
    expect(landing.searchParams.get('state')).toBe(state);
    const code = landing.searchParams.get('code')!;
    const clientInfo = landing.searchParams.get('client_info')!;
    expect(JSON.parse(Buffer.from(clientInfo, 'base64url').toString('utf8'))).toEqual({ uid: megan.id, utid: emu.demo.tenantId });

    const result: AuthenticationResult = await app.acquireTokenByCode(
      { code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier, state, nonce },
      { code, state, client_info: clientInfo },
    );
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', oid: megan.id, upn: megan.userPrincipalName, name: megan.displayName, idtyp: 'user', appid: emu.demo.clientId });
    expect(String(claims['scp']).split(' ').sort()).toEqual([...SCOPES].sort());
    expect(result.account).not.toBeNull();
    expect(result.account!.homeAccountId).toBe(`${megan.id}.${emu.demo.tenantId}`);
    expect(result.account!.username).toBe(megan.userPrincipalName);
    expect(result.account!.idTokenClaims).toMatchObject({ preferred_username: megan.userPrincipalName, oid: megan.id, tid: emu.demo.tenantId, nonce, aud: emu.demo.clientId });
    expect(result.scopes.map((s) => s.toLowerCase())).toEqual(expect.arrayContaining(SCOPES.map((s) => s.toLowerCase())));

    // The cache holds a refresh token; forceRefresh must redeem it (no interaction possible here).
    const cache = JSON.parse(app.getTokenCache().serialize()) as { RefreshToken: Record<string, unknown> };
    expect(Object.keys(cache.RefreshToken)).toHaveLength(1);
    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect(refreshed.fromCache).toBe(false);
    expect(decodeJwt(refreshed.accessToken)).toMatchObject({ oid: megan.id, upn: megan.userPrincipalName });
    // Without forceRefresh the fresh token comes from the cache.
    const cached = await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES });
    expect(cached.fromCache).toBe(true);
    expect(cached.accessToken).toBe(refreshed.accessToken);
  });

  it('a multi-tenant authority (/organizations) signs the user in to their home tenant', async () => {
    const app = new ConfidentialClientApplication({
      auth: { clientId: emu.demo.clientId, clientSecret: emu.demo.clientSecret, authority: `${emu.url}/organizations`, knownAuthorities: [host] },
    });
    const { url, pkce, nonce } = await authCodeRequest(app);
    expect(url.startsWith(`${emu.url}/organizations/oauth2/v2.0/authorize?`)).toBe(true);
    const lee = emu.demo.users[3]!;
    const code = (await signIn(url, lee.id)).searchParams.get('code')!;
    const result = await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier, nonce });
    expect(result.tenantId).toBe(emu.demo.tenantId);
    expect(result.account!.homeAccountId).toBe(`${lee.id}.${emu.demo.tenantId}`);
    expect(result.idTokenClaims).toMatchObject({ iss: `${emu.url}/${emu.demo.tenantId}/v2.0`, tid: emu.demo.tenantId });
    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true });
    expect(decodeJwt(refreshed.accessToken)['oid']).toBe(lee.id);
  });

  it('PublicClientApplication acquireTokenInteractive: the loopback redirect completes the PKCE flow', async () => {
    const app = new PublicClientApplication({ auth: { clientId: emu.demo.clientId, authority: `${emu.url}/${emu.demo.tenantId}`, knownAuthorities: [host] } });
    const nestor = emu.demo.users[4]!;
    let landedOn: URL | undefined;
    const result = await app.acquireTokenInteractive({
      scopes: ['User.Read'],
      // The "browser": sign in on the emulator's page, then follow the redirect to MSAL's loopback server.
      openBrowser: async (url) => {
        const authorize = new URL(url);
        expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
        expect(authorize.searchParams.get('response_mode')).toBe('form_post');
        // form_post: the page auto-submits the code to the redirect URI, as a browser would.
        const page = await pickAccount(url, nestor.id);
        expect(page.status).toBe(200);
        const html = await page.text();
        landedOn = new URL(/<form method="post" action="([^"]+)">/.exec(html)![1]!);
        const fields = hiddenFields(html);
        expect(Object.keys(fields).sort()).toEqual(['client_info', 'code', 'session_state', 'state']);
        const delivered = await fetch(landedOn, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
        expect(await delivered.text()).toBe('signed in');
      },
      successTemplate: 'signed in',
    });
    expect(landedOn?.hostname).toBe('localhost');
    expect(landedOn?.port).not.toBe('');
    expect(decodeJwt(result.accessToken)).toMatchObject({ oid: nestor.id, scp: 'User.Read', upn: nestor.userPrincipalName });
    expect(result.account!.username).toBe(nestor.userPrincipalName);
  });

  it('an authorization code can be redeemed once (AADSTS54005 after), a forged one never', async () => {
    const app = confidential();
    const { url, pkce, nonce } = await authCodeRequest(app);
    const code = (await signIn(url, emu.demo.users[0]!.id)).searchParams.get('code')!;
    await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier, nonce });
    const err = await serverError(app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier, nonce }));
    expect(err.errorCode).toBe('invalid_grant');
    expect(err.errorMessage).toContain('Description: AADSTS54005: ');
    // A code the emulator never issued is AADSTS70008.
    const forged = await postToken(emu, emu.demo.tenantId, {
      grant_type: 'authorization_code',
      client_id: emu.demo.clientId,
      client_secret: emu.demo.clientSecret,
      code: `${code.slice(0, -4)}AAAA`,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
    });
    expectEntraError(forged, 400, 'invalid_grant', 70008);
  });

  it('a wrong code_verifier is AADSTS501481', async () => {
    const app = confidential();
    const { url, nonce } = await authCodeRequest(app);
    const code = (await signIn(url, emu.demo.users[0]!.id)).searchParams.get('code')!;
    const wrong = (await crypto.generatePkceCodes()).verifier;
    const err = await serverError(app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: wrong, nonce }));
    expect(err.errorCode).toBe('invalid_grant');
    expect(err.errorMessage).toContain('Description: AADSTS501481: ');
  });

  it('a redirect URI that is not registered is AADSTS50011 at the authorize endpoint', async () => {
    const app = confidential();
    const { url } = await authCodeRequest(app, 'https://app.example/callback');
    const res = await fetch(url, { redirect: 'manual' });
    expectEntraError({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }, 400, 'invalid_request', 50011);
    // Any port on a registered http://localhost URI is fine (RFC 8252 loopback redirects).
    const loopback = await authCodeRequest(app, 'http://localhost:53117/callback');
    const landing = await signIn(loopback.url, emu.demo.users[0]!.id);
    expect(landing.port).toBe('53117');
  });

  it('PublicClientApplication acquireTokenByUsernamePassword', async () => {
    const user = emu.demo.users[2]!;
    const app = new PublicClientApplication({ auth: { clientId: emu.demo.clientId, authority: `${emu.url}/${emu.demo.tenantId}`, knownAuthorities: [host] } });
    const result = await app.acquireTokenByUsernamePassword({ scopes: ['User.Read'], username: user.userPrincipalName, password: user.password });
    expect(result).not.toBeNull();
    expect(decodeJwt(result!.accessToken)).toMatchObject({ oid: user.id, scp: 'User.Read', upn: user.userPrincipalName });
    expect(result!.account!.homeAccountId).toBe(`${user.id}.${emu.demo.tenantId}`);
    expect(result!.idTokenClaims).toMatchObject({ preferred_username: user.userPrincipalName, name: user.displayName });
  });

  it('advertises in its OIDC metadata only endpoints it serves', async () => {
    const metadata = (await (await fetch(`${emu.url}/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const advertised = Object.entries(metadata).filter(([name, value]) => (name.endsWith('_endpoint') || name === 'jwks_uri') && typeof value === 'string');
    expect(advertised.map(([name]) => name).sort()).toEqual(['authorization_endpoint', 'end_session_endpoint', 'jwks_uri', 'token_endpoint', 'userinfo_endpoint']);
    for (const [name, value] of advertised) {
      const res = await fetch(String(value), { redirect: 'manual' });
      const body = await res.text();
      // Served endpoints answer in their own way (a page, a redirect, an Entra or Graph error), never "No such endpoint".
      expect(body, name).not.toContain('No such endpoint');
      expect(res.status, name).not.toBe(404);
    }
  });

  it("UserInfo answers for a delegated token, with the ID token's sub, and refuses an app token", async () => {
    const user = emu.demo.users[1]!;
    const app = new PublicClientApplication({ auth: { clientId: emu.demo.clientId, authority: `${emu.url}/${emu.demo.tenantId}`, knownAuthorities: [host] } });
    const result = await app.acquireTokenByUsernamePassword({ scopes: ['User.Read'], username: user.userPrincipalName, password: user.password });
    const discovery = (await (await fetch(`${emu.url}/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as { userinfo_endpoint: string };
    const res = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${result!.accessToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: result!.account!.idTokenClaims?.sub, name: user.displayName, given_name: 'Megan', family_name: 'Bowen', email: user.userPrincipalName });
    const appOnly = await confidential().acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
    const refused = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${appOnly!.accessToken}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    expect((await fetch(discovery.userinfo_endpoint)).status).toBe(401);
  });

  it('the refresh_token grant by hand: new tokens, and a token of another client is refused', async () => {
    const user = emu.demo.users[0]!;
    const first = await postToken(emu, emu.demo.tenantId, {
      grant_type: 'password',
      client_id: emu.demo.clientId,
      username: user.userPrincipalName,
      password: user.password,
      scope: 'User.Read offline_access openid',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const refreshToken = String(first.body['refresh_token']);
    const second = await postToken(emu, emu.demo.tenantId, { grant_type: 'refresh_token', client_id: emu.demo.clientId, refresh_token: refreshToken });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(decodeJwt(String(second.body['access_token']))).toMatchObject({ oid: user.id, scp: 'User.Read' });
    const tampered = await postToken(emu, emu.demo.tenantId, { grant_type: 'refresh_token', client_id: emu.demo.clientId, refresh_token: `${refreshToken}x` });
    expectEntraError(tampered, 400, 'invalid_grant', 70008);
  });
});
