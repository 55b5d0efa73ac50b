import { compactVerify, decodeProtectedHeader, errors as joseErrors, SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import type { SigningKeyRing } from './signingKeys.js';
import type { Principal } from './principal.js';

/** Microsoft Graph's resource identifiers: a token for Graph carries one of these as `aud`. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_AUDIENCES = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID]);

export const ACCESS_TOKEN_LIFETIME_S = 3599;

export const v1Issuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

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

async function sign(keys: SigningKeyRing, claims: JWTPayload, times: TokenTimes, audience: string): Promise<string> {
  const key = keys.signingKey();
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })
    .setAudience(audience)
    .setIssuedAt(times.issuedAt)
    .setNotBefore(times.notBefore ?? times.issuedAt)
    .setExpirationTime(times.issuedAt + times.lifetimeSeconds)
    .sign(key.privateKey);
}

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
      roles: [...s.roles],
      tid: s.tenantId,
      uti: uti(),
      ver: '1.0',
    },
    times,
    audience,
  );
}

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

/** Why a token was refused; the Graph layer turns it into 401 InvalidAuthenticationToken. */
export class TokenRejected extends Error {}

interface CachedPrincipal {
  principal: Principal;
  expiresAtMs: number;
  notBeforeMs: number;
}

const CACHE_LIMIT = 10_000;

/**
 * Verifies Graph access tokens: signature, lifetime, audience, issuer and tenant. Verified tokens are
 * cached until they expire, so a client's repeated calls cost one map look-up.
 */
export class AccessTokenVerifier {
  private readonly cache = new Map<string, CachedPrincipal>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly tenantExists: (tenantId: string) => Promise<boolean>,
  ) {}

  async verify(token: string): Promise<Principal> {
    const nowMs = Date.now();
    const cached = this.cache.get(token);
    if (cached !== undefined) {
      this.checkLifetime(cached.notBeforeMs, cached.expiresAtMs, nowMs);
      return cached.principal;
    }
    if (token.split('.').length !== 3) throw new TokenRejected('CompactToken parsing failed with error code: 80049217');
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejected('CompactToken parsing failed with error code: 80049217');
    }
    const key = kid === undefined ? undefined : await this.keys.verificationKey(kid);
    if (key === undefined) throw new TokenRejected('Access token validation failure. Invalid signature.');
    let payload: JWTPayload;
    try {
      // Signature only: lifetime and claims are checked below, with Graph's own messages.
      const verified = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as JWTPayload;
      if (payload === null || typeof payload !== 'object') throw new TypeError('payload is not a JSON object');
    } catch (err) {
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenRejected('Access token validation failure. Invalid signature.');
      throw new TokenRejected('CompactToken parsing failed with error code: 80049217');
    }
    const principal = await this.toPrincipal(payload);
    const expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
    const notBeforeMs = typeof payload.nbf === 'number' ? payload.nbf * 1000 : 0;
    this.checkLifetime(notBeforeMs, expiresAtMs, nowMs);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { principal, expiresAtMs, notBeforeMs });
    return principal;
  }

  /** Forget cached verifications (after a reset, tenants may be gone). */
  clear(): void {
    this.cache.clear();
  }

  private checkLifetime(notBeforeMs: number, expiresAtMs: number, nowMs: number): void {
    // Entra allows five minutes of clock skew.
    if (nowMs >= expiresAtMs + 300_000 || nowMs < notBeforeMs - 300_000) {
      throw new TokenRejected('Lifetime validation failed, the token is expired.');
    }
  }

  private async toPrincipal(p: JWTPayload): Promise<Principal> {
    const aud = typeof p.aud === 'string' ? p.aud : undefined;
    if (aud === undefined || !GRAPH_AUDIENCES.has(aud)) throw new TokenRejected('Access token validation failure. Invalid audience.');
    const tid = typeof p['tid'] === 'string' ? p['tid'] : undefined;
    if (tid === undefined || p.iss !== v1Issuer(tid) || !(await this.tenantExists(tid))) {
      throw new TokenRejected('Access token validation failure. Invalid issuer.');
    }
    const appid = typeof p['appid'] === 'string' ? p['appid'] : typeof p['azp'] === 'string' ? p['azp'] : undefined;
    const oid = typeof p['oid'] === 'string' ? p['oid'] : undefined;
    if (appid === undefined || oid === undefined) throw new TokenRejected('Access token validation failure.');
    const scp = typeof p['scp'] === 'string' ? p['scp'] : undefined;
    const roles = Array.isArray(p['roles']) ? p['roles'].filter((r): r is string => typeof r === 'string') : [];
    return {
      kind: scp !== undefined ? 'delegated' : 'application',
      tenantId: tid,
      clientId: appid,
      objectId: oid,
      roles: new Set(roles),
      scopes: new Set(scp === undefined ? [] : scp.split(' ').filter((s) => s !== '')),
      ...(typeof p['upn'] === 'string' ? { userPrincipalName: p['upn'] } : {}),
    };
  }
}
