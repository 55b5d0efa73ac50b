import type { JWTPayload } from 'jose';
import { GRAPH_AUDIENCES, v1Issuer } from '../domain/graphResource.js';
import { jose } from '../runtime/jose.js';
import type { Principal } from '../domain/principal.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';

/** Why a token was refused; the Graph layer turns it into 401 InvalidAuthenticationToken. */
export class TokenRejected extends Error {}

// Graph's own wording for each failure.
const MALFORMED = 'CompactToken parsing failed with error code: 80049217';
const BAD_SIGNATURE = 'Access token validation failure. Invalid signature.';
const BAD_AUDIENCE = 'Access token validation failure. Invalid audience.';
const BAD_ISSUER = 'Access token validation failure. Invalid issuer.';
const EXPIRED = 'Lifetime validation failed, the token is expired.';
const NOT_YET_VALID = 'Lifetime validation failed, the token is not yet valid.';

/** Entra allows five minutes of clock skew either way. */
const SKEW_MS = 300_000;
const CACHE_LIMIT = 10_000;
/**
 * A cached token's tenant is looked up again after this long: this instance forgets tokens when it
 * deletes a tenant, but another instance on the same database only finds out here.
 */
const TENANT_RECHECK_MS = 60_000;

interface CachedPrincipal {
  principal: Principal;
  expiresAtMs: number;
  notBeforeMs: number;
  tenantCheckedAtMs: number;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Verifies Graph access tokens: signature, lifetime, audience, issuer and tenant. Verified tokens are
 * cached, so a client's repeated calls cost one map look-up; a cached token is still refused once it
 * expires. Token lifetimes follow wall time (`now`), as the client libraries that cache them do.
 */
export class AccessTokenVerifier {
  private readonly cache = new Map<string, CachedPrincipal>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly tenantExists: (tenantId: string) => Promise<boolean>,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<Principal> {
    const nowMs = this.now();
    const cached = this.cache.get(token);
    if (cached !== undefined) return this.fromCache(token, cached, nowMs);

    const payload = await this.verifiedPayload(token);
    const aud = str(payload.aud);
    if (aud === undefined || !GRAPH_AUDIENCES.has(aud)) throw new TokenRejected(BAD_AUDIENCE);
    const entry: CachedPrincipal = {
      principal: toPrincipal(payload),
      expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : 0,
      notBeforeMs: typeof payload.nbf === 'number' ? payload.nbf * 1000 : 0,
      tenantCheckedAtMs: nowMs,
    };
    checkLifetime(entry, nowMs);
    if (!(await this.tenantExists(entry.principal.tenantId))) throw new TokenRejected(BAD_ISSUER);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, entry);
    return entry.principal;
  }

  /** Forget cached verifications (after a reset or a tenant's deletion). */
  clear(): void {
    this.cache.clear();
  }

  private async fromCache(token: string, cached: CachedPrincipal, nowMs: number): Promise<Principal> {
    try {
      checkLifetime(cached, nowMs);
      if (nowMs - cached.tenantCheckedAtMs >= TENANT_RECHECK_MS) {
        if (!(await this.tenantExists(cached.principal.tenantId))) throw new TokenRejected(BAD_ISSUER);
        cached.tenantCheckedAtMs = nowMs;
      }
    } catch (err) {
      this.cache.delete(token);
      throw err;
    }
    return cached.principal;
  }

  /** The payload of a well-formed token signed by one of our keys; claims are checked by the caller. */
  private async verifiedPayload(token: string): Promise<JWTPayload> {
    if (token.split('.').length !== 3) throw new TokenRejected(MALFORMED);
    const { compactVerify, decodeProtectedHeader, errors: joseErrors } = await jose();
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejected(MALFORMED);
    }
    const key = kid === undefined ? undefined : await this.keys.verificationKey(kid);
    if (key === undefined) throw new TokenRejected(BAD_SIGNATURE);
    let payload: unknown;
    try {
      const verified = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload));
    } catch (err) {
      const badSignature = err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JOSEAlgNotAllowed;
      throw new TokenRejected(badSignature ? BAD_SIGNATURE : MALFORMED);
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new TokenRejected(MALFORMED);
    return payload as JWTPayload;
  }
}

function checkLifetime(entry: CachedPrincipal, nowMs: number): void {
  if (nowMs >= entry.expiresAtMs + SKEW_MS) throw new TokenRejected(EXPIRED);
  if (nowMs < entry.notBeforeMs - SKEW_MS) throw new TokenRejected(NOT_YET_VALID);
}

function toPrincipal(p: JWTPayload): Principal {
  const tid = str(p['tid']);
  if (tid === undefined || p.iss !== v1Issuer(tid)) throw new TokenRejected(BAD_ISSUER);
  const appid = str(p['appid']) ?? str(p['azp']);
  const oid = str(p['oid']);
  if (appid === undefined || oid === undefined) throw new TokenRejected('Access token validation failure.');
  const scp = str(p['scp']);
  const roles = Array.isArray(p['roles']) ? p['roles'].filter((r): r is string => typeof r === 'string') : [];
  const upn = str(p['upn']);
  return {
    kind: scp !== undefined ? 'delegated' : 'application',
    tenantId: tid,
    clientId: appid,
    objectId: oid,
    roles: new Set(roles),
    scopes: new Set(scp === undefined ? [] : scp.split(' ').filter((s) => s !== '')),
    ...(upn !== undefined ? { userPrincipalName: upn } : {}),
  };
}
