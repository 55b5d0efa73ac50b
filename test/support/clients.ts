import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { Emulator } from '../../src/emulator.js';

/** @azure/identity pointed at the emulator exactly as the README tells users to. */
export function secretCredential(emu: Emulator, clientId = emu.demo.clientId, secret = emu.demo.clientSecret, tenantId = emu.demo.tenantId): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, clientId, secret, { authorityHost: emu.url, disableInstanceDiscovery: true });
}

/** The official Graph client with base URL and custom host set to the emulator; nothing else changed. */
export function graphClient(emu: Emulator, credential: TokenCredential = secretCredential(emu), version: 'v1.0' | 'beta' = 'v1.0'): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] });
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: emu.url,
    defaultVersion: version,
    customHosts: new Set([new URL(emu.url).hostname]),
  });
}

/** A plain fetch with an app token from the token endpoint, for checking raw status codes and headers. */
export async function appToken(emu: Emulator, clientId = emu.demo.clientId, secret = emu.demo.clientSecret, tenantId = emu.demo.tenantId): Promise<string> {
  const res = await fetch(`${emu.url}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function graphFetch(emu: Emulator, path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${emu.url}${path}`, { ...init, headers });
}
