import type { JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_LIFETIME_S, GRAPH_RESOURCE, v1Issuer } from '../domain/graphResource.js';
import { signJwt } from '../domain/jwt.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';

export { ACCESS_TOKEN_LIFETIME_S, GRAPH_APP_ID, GRAPH_RESOURCE, v1Issuer } from '../domain/graphResource.js';
export { AccessTokenVerifier, TokenRejected } from './verifier.js';

const uti = (): string => randomBytes(16).toString('base64url').slice(0, 22);

export interface AppTokenSubject {
  tenantId: string;
  clientId: string;
  servicePrincipalId: string;
  appDisplayName: string;
  roles: readonly string[];
}

export interface UserTokenSubject {
  tenantId: string;
  clientId: string;
  appDisplayName: string;
  userId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  scopes: readonly string[];
}

export interface TokenTimes {
  /** Seconds since the epoch. Token lifetimes follow wall time: client libraries cache tokens by it. */
  issuedAt: number;
  lifetimeSeconds: number;
  notBefore?: number;
}

export const wallTimes = (lifetimeSeconds = ACCESS_TOKEN_LIFETIME_S): TokenTimes => ({
  issuedAt: Math.floor(Date.now() / 1000),
  lifetimeSeconds,
});

const sign = (keys: SigningKeyRing, claims: JWTPayload, times: TokenTimes, audience: string): Promise<string> =>
  signJwt(keys, claims, { audience, issuedAt: times.issuedAt, lifetimeSeconds: times.lifetimeSeconds, notBefore: times.notBefore ?? times.issuedAt, typ: true, x5t: true });

/** A v1-format app-only Graph token, with the claims Graph authorizes on. */
export function issueAppToken(keys: SigningKeyRing, s: AppTokenSubject, times: TokenTimes = wallTimes(), audience = GRAPH_RESOURCE): Promise<string> {
  return sign(
    keys,
    {
      iss: v1Issuer(s.tenantId),
      app_displayname: s.appDisplayName,
      appid: s.clientId,
      appidacr: '1',
      idp: v1Issuer(s.tenantId),
      idtyp: 'app',
      oid: s.servicePrincipalId,
      sub: s.servicePrincipalId,
      // Entra leaves the claim out when the app holds no roles.
      ...(s.roles.length > 0 ? { roles: [...s.roles] } : {}),
      tid: s.tenantId,
      uti: uti(),
      ver: '1.0',
    },
    times,
    audience,
  );
}

/** The subject of a delegated token: `user` signed in to `app`, holding `scopes`. */
export const userTokenSubject = (
  app: { readonly clientId: string; readonly displayName: string },
  user: { readonly tenantId: string; readonly id: string; readonly userPrincipalName: string; readonly displayName: string; readonly givenName: string | null; readonly surname: string | null },
  scopes: readonly string[],
): UserTokenSubject => ({
  tenantId: user.tenantId,
  clientId: app.clientId,
  appDisplayName: app.displayName,
  userId: user.id,
  userPrincipalName: user.userPrincipalName,
  displayName: user.displayName,
  givenName: user.givenName,
  surname: user.surname,
  scopes,
});

/** A v1-format delegated Graph token for a user signed in to an app. */
export function issueUserToken(keys: SigningKeyRing, s: UserTokenSubject, times: TokenTimes = wallTimes(), audience = GRAPH_RESOURCE): Promise<string> {
  return sign(
    keys,
    {
      iss: v1Issuer(s.tenantId),
      acct: 0,
      acr: '1',
      amr: ['pwd'],
      app_displayname: s.appDisplayName,
      appid: s.clientId,
      appidacr: '1',
      family_name: s.surname ?? undefined,
      given_name: s.givenName ?? undefined,
      idtyp: 'user',
      name: s.displayName,
      oid: s.userId,
      scp: s.scopes.join(' '),
      sub: s.userId,
      tid: s.tenantId,
      unique_name: s.userPrincipalName,
      upn: s.userPrincipalName,
      uti: uti(),
      ver: '1.0',
    },
    times,
    audience,
  );
}
