import type { JWK } from 'jose';
import { createPrivateKey, createPublicKey, type JsonWebKeyInput, type KeyObject, type webcrypto } from 'node:crypto';
import { jose } from '../runtime/jose.js';

type CryptoKey = webcrypto.CryptoKey;
import type { DomainContext } from './context.js';
import { nowIso } from './context.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject | CryptoKey;
  publicJwk: JWK;
  publicKey: KeyObject | CryptoKey;
}

/**
 * The RSA keys the emulator signs tokens with, kept in the store so tokens stay valid across a
 * restart and every instance sharing a database verifies the others' tokens.
 */
export class SigningKeyRing {
  private keys = new Map<string, SigningKey>();
  private current: SigningKey | undefined;

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    await this.reload();
    if (this.current === undefined) {
      const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await jose();
      const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const publicJwk: JWK = { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e };
      const kid = await calculateJwkThumbprint(publicJwk);
      await this.ctx.db
        .insertInto('signing_keys')
        .values({ kid, private_jwk: JSON.stringify(privateJwk), public_jwk: JSON.stringify(publicJwk), created_at: nowIso(this.ctx) })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
      await this.reload();
    }
  }

  /** Re-read the store: another instance may have added a key since we loaded. */
  async reload(): Promise<void> {
    const rows = await this.ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    const keys = new Map<string, SigningKey>();
    for (const row of rows) {
      const existing = this.keys.get(row.kid);
      if (existing !== undefined) {
        keys.set(row.kid, existing);
        continue;
      }
      const privateJwk = JSON.parse(row.private_jwk) as JWK;
      const publicJwk = { ...(JSON.parse(row.public_jwk) as JWK), kid: row.kid, use: 'sig', alg: 'RS256' };
      keys.set(row.kid, {
        kid: row.kid,
        // node:crypto rather than jose's importJWK: reading the keys at start-up then needs no jose.
        privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' } as JsonWebKeyInput),
        publicKey: createPublicKey({ key: publicJwk, format: 'jwk' } as JsonWebKeyInput),
        publicJwk,
      });
    }
    this.keys = keys;
    // The oldest key signs, so all instances on one database sign with the same one.
    this.current = keys.values().next().value;
  }

  signingKey(): SigningKey {
    if (this.current === undefined) throw new Error('signing keys not loaded');
    return this.current;
  }

  async verificationKey(kid: string): Promise<SigningKey | undefined> {
    if (!this.keys.has(kid)) await this.reload();
    return this.keys.get(kid);
  }

  /** The JWKS document: `x5c` is left out, as our keys have no certificate chain. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].map((k) => k.publicJwk) };
  }
}
