import type { JWTPayload } from 'jose';
import { jose } from '../runtime/jose.js';
import { signJwt } from '../domain/jwt.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';

/**
 * Tokens only this emulator reads back (authorization codes, refresh tokens): JWTs signed with the
 * store's key, so any instance on the same database accepts them, with an audience of their kind.
 */
export function signInternal(keys: SigningKeyRing, claims: JWTPayload, audience: string, issuedAt: number, lifetimeSeconds: number): Promise<string> {
  return signJwt(keys, claims, { audience, issuedAt, lifetimeSeconds });
}

/** The payload if `token` is ours, of this kind and unexpired; undefined otherwise. */
export async function verifyInternal(keys: SigningKeyRing, token: string, audience: string): Promise<JWTPayload | undefined> {
  const { decodeProtectedHeader, jwtVerify } = await jose();
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = kid === undefined ? undefined : await keys.verificationKey(kid);
    if (key === undefined) return undefined;
    return (await jwtVerify(token, key.publicKey, { audience, algorithms: ['RS256'] })).payload;
  } catch {
    return undefined;
  }
}
