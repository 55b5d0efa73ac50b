import type { JWK } from 'jose';
import { createHash, createPrivateKey, createPublicKey, webcrypto, type JsonWebKeyInput, type KeyObject } from 'node:crypto';
import { jose } from '../runtime/jose.js';
import { loadX509, randomSerial } from '../runtime/x509.js';
import type { DomainContext } from './context.js';
import { nowIso } from './context.js';

type CryptoKey = webcrypto.CryptoKey;

export interface SigningKey {
  /** What tokens carry in their header: the certificate's SHA-1 thumbprint (base64url), as Entra's kid equals its x5t. */
  kid: string;
  /** The certificate's SHA-1 thumbprint, base64url. */
  x5t: string;
  privateKey: KeyObject | CryptoKey;
  /** The JWKS entry: kty, use, kid, x5t, n, e, x5c, alg. */
  publicJwk: JWK;
  publicKey: KeyObject | CryptoKey;
}

/** The subject of the self-signed certificate each key gets (Entra's token-signing certificates are self-signed too). */
const CERT_SUBJECT = 'CN=graph-comms-emulator token signing';
const CERT_YEARS = 5;
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** What public_jwk holds once a key has its certificate (stored there, so no schema change: an older row simply has no x5c yet). */
interface StoredPublicJwk extends JWK {
  x5c?: string[];
}

/**
 * The RSA keys the emulator signs tokens with, kept in the store so tokens stay valid across a
 * restart and every instance sharing a database verifies the others' tokens. Each key has a
 * self-signed X.509 certificate published as `x5c`, and `kid` = `x5t` = the certificate's SHA-1
 * thumbprint, as Entra's keys at /discovery/keys do
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-signature), so
 * receivers that pick keys by x5t or build a certificate from x5c work.
 *
 * A key stored before keys had certificates (its row's kid is the JWK thumbprint) gets one on first
 * load: the key itself is kept, so tokens already issued verify, and its old kid stays an alias
 * (published in the JWKS too, without x5t/x5c) for them.
 */
export class SigningKeyRing {
  private keys = new Map<string, SigningKey>();
  /** Old kid (the row's) → key, for tokens signed before the key had a certificate. */
  private aliases = new Map<string, SigningKey>();
  private current: SigningKey | undefined;

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    await this.reload();
    if (this.current === undefined) {
      const { exportJWK, generateKeyPair } = await jose();
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const x5c = await selfSignedCertificate(privateKey as CryptoKey, publicKey as CryptoKey);
      const publicJwk: StoredPublicJwk = { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e, x5c: [x5c] };
      await this.ctx.db
        .insertInto('signing_keys')
        .values({ kid: thumbprint(x5c), private_jwk: JSON.stringify(privateJwk), public_jwk: JSON.stringify(publicJwk), created_at: nowIso(this.ctx) })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
      await this.reload();
    }
    await this.certifyOlderKeys();
  }

  /**
   * Give keys stored without a certificate one. Conditional on the row being unchanged, so with
   * several instances starting at once one certificate wins and all publish it.
   */
  private async certifyOlderKeys(): Promise<void> {
    const rows = await this.ctx.db.selectFrom('signing_keys').selectAll().execute();
    let changed = false;
    for (const row of rows) {
      const stored = JSON.parse(row.public_jwk) as StoredPublicJwk;
      if (stored.x5c !== undefined && stored.x5c.length > 0) continue;
      const privateJwk = JSON.parse(row.private_jwk) as JWK;
      const privateKey = await webcrypto.subtle.importKey('jwk', privateJwk as webcrypto.JsonWebKey, RSA_SHA256, false, ['sign']);
      const publicKey = await webcrypto.subtle.importKey('jwk', { kty: stored.kty, n: stored.n, e: stored.e } as webcrypto.JsonWebKey, RSA_SHA256, true, ['verify']);
      const x5c = await selfSignedCertificate(privateKey, publicKey);
      await this.ctx.db
        .updateTable('signing_keys')
        .set({ public_jwk: JSON.stringify({ ...stored, x5c: [x5c] }) })
        .where('kid', '=', row.kid)
        .where('public_jwk', '=', row.public_jwk)
        .execute();
      changed = true;
    }
    if (changed) {
      // Rebuilt from the store: the certificates that won.
      this.keys = new Map();
      this.aliases = new Map();
      await this.reload();
    }
  }

  /** Re-read the store: another instance may have added a key since we loaded. */
  async reload(): Promise<void> {
    const rows = await this.ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    const keys = new Map<string, SigningKey>();
    const aliases = new Map<string, SigningKey>();
    for (const row of rows) {
      const stored = JSON.parse(row.public_jwk) as StoredPublicJwk;
      const cert = stored.x5c?.[0];
      // No certificate yet (an older row, until certifyOlderKeys runs): the row's kid, as before.
      const kid = cert === undefined ? row.kid : thumbprint(cert);
      const existing = this.keys.get(kid);
      if (existing !== undefined) {
        keys.set(kid, existing);
        if (kid !== row.kid) aliases.set(row.kid, existing);
        continue;
      }
      const privateJwk = JSON.parse(row.private_jwk) as JWK;
      const base = { kty: stored.kty, n: stored.n, e: stored.e };
      const publicJwk: JWK = cert === undefined ? { ...base, kid, use: 'sig', alg: 'RS256' } : { kty: stored.kty, use: 'sig', kid, x5t: kid, n: stored.n, e: stored.e, x5c: [cert], alg: 'RS256' };
      const key: SigningKey = {
        kid,
        x5t: kid,
        // node:crypto rather than jose's importJWK: reading the keys at start-up then needs no jose.
        privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' } as JsonWebKeyInput),
        publicKey: createPublicKey({ key: base, format: 'jwk' } as JsonWebKeyInput),
        publicJwk,
      };
      keys.set(kid, key);
      if (kid !== row.kid) aliases.set(row.kid, key);
    }
    this.keys = keys;
    this.aliases = aliases;
    // The oldest key signs, so all instances on one database sign with the same one.
    this.current = keys.values().next().value;
  }

  signingKey(): SigningKey {
    if (this.current === undefined) throw new Error('signing keys not loaded');
    return this.current;
  }

  /** The key a token's header names: by kid (= x5t), or by a key's old kid. */
  async verificationKey(kid: string): Promise<SigningKey | undefined> {
    if (!this.keys.has(kid) && !this.aliases.has(kid)) await this.reload();
    return this.keys.get(kid) ?? this.aliases.get(kid);
  }

  /** The JWKS document, shaped like Entra's; a key's old kid is listed too (without x5t/x5c), so tokens signed before it had a certificate still find it. */
  jwks(): { keys: JWK[] } {
    const aliasEntries = [...this.aliases.entries()].map(([kid, key]) => ({ kty: key.publicJwk.kty, use: 'sig', kid, n: key.publicJwk.n, e: key.publicJwk.e, alg: 'RS256' }) as JWK);
    return { keys: [...[...this.keys.values()].map((k) => k.publicJwk), ...aliasEntries] };
  }
}

/** base64url(SHA-1(DER)): Entra's x5t, and its kid. */
function thumbprint(certificateBase64: string): string {
  return createHash('sha1').update(Buffer.from(certificateBase64, 'base64')).digest('base64url');
}

/** A self-signed certificate for the key pair, base64 DER (an x5c entry). */
async function selfSignedCertificate(privateKey: CryptoKey, publicKey: CryptoKey): Promise<string> {
  const x509 = await loadX509();
  const now = Date.now();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERT_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: CERT_SUBJECT,
    notBefore: new Date(now - 5 * 60_000),
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys: { privateKey, publicKey },
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return Buffer.from(cert.rawData).toString('base64');
}
