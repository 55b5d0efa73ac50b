import type { App } from '../domain/apps.js';
import type { User } from '../domain/users.js';
import { signJwt } from '../domain/jwt.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';
import { entra } from './entraErrors.js';
import { signInternal, verifyInternal } from './internalTokens.js';
import { grantedDelegatedScopes, parseScopes } from './scopes.js';
import { ACCESS_TOKEN_LIFETIME_S, issueUserToken, userTokenSubject, wallTimes } from './tokens.js';
import { v2Issuer } from './discovery.js';

const REFRESH_AUDIENCE = 'urn:graph-comms-emulator:refresh-token';
const REFRESH_LIFETIME_S = 90 * 24 * 3600;

export interface DelegatedTokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export interface DelegatedGrant {
  app: App;
  user: User;
  /** The raw `scope` parameter. */
  scope: string | undefined;
  origin: string;
  nonce?: string | null;
  clientInfo: boolean;
}

/** Issue the access, refresh and ID tokens of a delegated flow (password, authorization code, refresh). */
export async function issueDelegatedTokens(keys: SigningKeyRing, grant: DelegatedGrant): Promise<DelegatedTokenResponse> {
  const { app, user } = grant;
  const requested = parseScopes(grant.scope);
  if (requested.foreign.length > 0) throw entra.unknownResource(requested.foreign[0]!);
  const { granted, missing } = grantedDelegatedScopes(requested.graph, app.delegatedPermissions);
  if (missing.length > 0) throw entra.consentRequired(app.clientId, app.displayName);
  const times = wallTimes();
  const accessToken = await issueUserToken(keys, userTokenSubject(app, user, granted), times);
  // MSAL always asks for openid, profile and offline_access; the response carries them back.
  const response: DelegatedTokenResponse = {
    token_type: 'Bearer',
    scope: [...granted, ...requested.oidc].join(' '),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: accessToken,
  };
  if (requested.oidc.has('offline_access')) {
    const claims = { tid: user.tenantId, oid: user.id, azp: app.clientId, scope: grant.scope ?? '' };
    response.refresh_token = await signInternal(keys, claims, REFRESH_AUDIENCE, times.issuedAt, REFRESH_LIFETIME_S);
  }
  if (requested.oidc.has('openid')) {
    response.id_token = await signJwt(
      keys,
      {
        name: user.displayName,
        oid: user.id,
        preferred_username: user.userPrincipalName,
        tid: user.tenantId,
        ver: '2.0',
        ...(grant.nonce !== undefined && grant.nonce !== null ? { nonce: grant.nonce } : {}),
      },
      {
        issuer: v2Issuer(grant.origin, user.tenantId),
        subject: user.id,
        audience: app.clientId,
        issuedAt: times.issuedAt,
        notBefore: times.issuedAt,
        lifetimeSeconds: times.lifetimeSeconds,
        typ: true,
      },
    );
  }
  if (grant.clientInfo) response.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
  return response;
}

export interface RefreshClaims {
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
}

export async function readRefreshToken(keys: SigningKeyRing, token: string): Promise<RefreshClaims> {
  const payload = await verifyInternal(keys, token, REFRESH_AUDIENCE);
  const { tid, oid, azp, scope } = payload ?? {};
  if (typeof tid !== 'string' || typeof oid !== 'string' || typeof azp !== 'string') throw entra.invalidCode();
  return { tenantId: tid, userId: oid, clientId: azp, scope: typeof scope === 'string' ? scope : '' };
}
