import type { JWTPayload } from 'jose';
import { GRAPH_AUDIENCES, v1Issuer } from '../domain/graphResource.js';
import { jose } from '../runtime/jose.js';
import type { Principal } from '../domain/principal.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';
import { findApp } from '../domain/apps.js';
import type { DomainContext } from '../domain/context.js';
import { findTenant } from '../domain/tenants.js';
import type { ReadCache } from '../store/readCache.js';

/** Why a token was refused; the Graph layer turns it into 401 InvalidAuthenticationToken. */
export class TokenRejected extends Error {}

// Graph's own wording for each failure.
const MALFORMED = 'CompactToken parsing failed with error code: 80049217';
const BAD_SIGNATURE = 'Access token validation failure. Invalid signature.';
const BAD_AUDIENCE = 'Access token validation failure. Invalid audience.';
const BAD_ISSUER = 'Access token validation failure. Invalid issuer.';
const EXPIRED = 'Lifetime validation failed, the token is expired.';
const NOT_YET_VALID = 'Lifetime validation failed, the token is not yet valid.';
const INVALID = 'Access token validation failure.';

/** Entra allows five minutes of clock skew either way. */
const SKEW_MS = 300_000;
const CACHE_LIMIT = 10_000;
/**
 * A cached token's tenant and app are looked up again after this long: this instance forgets tokens
 * when it deletes a tenant or an app, but another instance on the same database only finds out here.
 */
const TENANT_RECHECK_MS = 60_000;

interface CachedPrincipal {
  principal: Principal;
  expiresAtMs: number;
  notBeforeMs: number;
  tenantCheckedAtMs: number;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the verifier asks the directory about a token's subject. */
export interface VerifierDirectory {
  tenantExists(tenantId: string): Promise<boolean>;
  /** Whether `clientId` is an app registered in `tenantId` (the token's `appid` / `azp`). */
  appRegistered(clientId: string, tenantId: string): Promise<boolean>;
}

/** The directory of the store, through its read cache: one look-up per new token, none per request. */
export function storeDirectory(ctx: DomainContext, reads: ReadCache): VerifierDirectory {
  return {
    tenantExists: async (tenantId) => (await reads.get(`verifier-tenant\u0000${tenantId}`, async () => (await findTenant(ctx, tenantId)) !== undefined)) === true,
    appRegistered: async (clientId, tenantId) => (await reads.get(`verifier-app\u0000${clientId.toLowerCase()}`, async () => (await findApp(ctx, clientId))?.tenantId ?? null)) === tenantId,
  };
}

/**
 * Verifies Graph access tokens: signature, lifetime, audience, issuer and tenant. Verified tokens are
 * cached, so a client's repeated calls cost one map look-up; a cached token is still refused once it
 * expires. Token lifetimes follow wall time (`now`), as the client libraries that cache them do.
 */
export class AccessTokenVerifier {
  private readonly cache = new Map<string, CachedPrincipal>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly directory: VerifierDirectory,
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
    await this.checkDirectory(entry.principal);
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
        await this.checkDirectory(cached.principal);
        cached.tenantCheckedAtMs = nowMs;
      }
    } catch (err) {
      this.cache.delete(token);
      throw err;
    }
    return cached.principal;
  }

  /**
   * The token's tenant must exist and its app be registered there: a token naming an app no tenant
   * knows (forged claims, or an app deleted since) is refused as Graph refuses an invalid token.
   */
  private async checkDirectory(principal: Principal): Promise<void> {
    if (!(await this.directory.tenantExists(principal.tenantId))) throw new TokenRejected(BAD_ISSUER);
    if (!(await this.directory.appRegistered(principal.clientId, principal.tenantId))) throw new TokenRejected(INVALID);
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
  if (appid === undefined || oid === undefined) throw new TokenRejected(INVALID);
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
