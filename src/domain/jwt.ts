import type { JWTPayload } from 'jose';
import { jose } from '../runtime/jose.js';
import type { SigningKeyRing } from './signingKeys.js';

export interface JwtOptions {
  readonly audience: string;
  /** Seconds since the epoch (wall time: clients check tokens against their own clock). */
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
  /** `nbf`; left out when not given (internal tokens have none). */
  readonly notBefore?: number;
  readonly issuer?: string;
  readonly subject?: string;
  /** `typ: JWT` in the header: tokens clients read carry it, internal ones do not. */
  readonly typ?: boolean;
  /** `x5t` (the signing certificate's thumbprint, = kid) in the header, as Entra's v1 access tokens and Graph's validation tokens carry it. */
  readonly x5t?: boolean;
}

/** An RS256 JWT signed with the store's current signing key, so every instance on the database verifies it. */
export async function signJwt(keys: SigningKeyRing, claims: JWTPayload, options: JwtOptions): Promise<string> {
  const key = keys.signingKey();
  const { SignJWT } = await jose();
  const jwt = new SignJWT(claims).setProtectedHeader({
    ...(options.typ === true ? { typ: 'JWT' } : {}),
    alg: 'RS256',
    kid: key.kid,
    ...(options.x5t === true ? { x5t: key.x5t } : {}),
  });
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  jwt.setAudience(options.audience).setIssuedAt(options.issuedAt);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.setExpirationTime(options.issuedAt + options.lifetimeSeconds).sign(key.privateKey);
}
