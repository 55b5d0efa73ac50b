import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWK } from 'jose';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { appToken, graphClient, graphFetch } from '../support/clients.js';
import { storeOptions, tlsDir, useEmulator } from '../support/emulator.js';

/**
 * Signing keys shaped like Entra's (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-signature):
 * each JWKS entry has a self-signed certificate in x5c, x5t its SHA-1 thumbprint, and kid = x5t.
 */
type Jwk = JWK & { kid: string; x5t?: string; x5c?: string[] };

const jwks = async (emu: Emulator, path = '/common/discovery/keys'): Promise<Jwk[]> => ((await (await fetch(`${emu.url}${path}`)).json()) as { keys: Jwk[] }).keys;
const sha1Thumbprint = (x5c: string): string => createHash('sha1').update(Buffer.from(x5c, 'base64')).digest('base64url');

describe('the JWKS', () => {
  const emu = useEmulator();

  it('lists each key with a certificate (x5c), its SHA-1 thumbprint as x5t, and kid = x5t, on every discovery path', async () => {
    for (const path of ['/common/discovery/keys', `/${emu.demo.tenantId}/discovery/v2.0/keys`]) {
      const keys = await jwks(emu, path);
      expect(keys).toHaveLength(1);
      const [key] = keys;
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig', kid: expect.any(String), x5t: key!.kid, n: expect.any(String), e: 'AQAB', x5c: [expect.any(String)] });
      expect(key!.x5t).toBe(sha1Thumbprint(key!.x5c![0]!));
      const cert = new X509Certificate(Buffer.from(key!.x5c![0]!, 'base64'));
      // The certificate carries this very key, and is self-signed.
      expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: key!.n, e: key!.e });
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    }
  });

  it('a token from the token endpoint (azure-identity) names the key by kid and x5t, and verifies with jose createRemoteJWKSet and with the x5c certificate', async () => {
    const token = await appToken(emu);
    const [key] = await jwks(emu);
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'RS256', kid: key!.kid, x5t: key!.x5t });
    const issuer = `https://sts.windows.net/${emu.demo.tenantId}/`;
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(`${emu.url}/common/discovery/keys`)), { issuer })).resolves.toBeDefined();
    // A receiver that picks the entry by x5t and builds the certificate from x5c[0].
    const byX5t = (await jwks(emu)).find((k) => k.x5t === header.x5t);
    const cert = new X509Certificate(Buffer.from(byX5t!.x5c![0]!, 'base64'));
    await expect(jwtVerify(token, cert.publicKey, { issuer })).resolves.toBeDefined();
    // And the official Graph client, on the same token source, still gets in.
    const me = (await graphClient(emu).api(`/users/${emu.demo.organizerUserId}`).get()) as { id: string };
    expect(me.id).toBe(emu.demo.organizerUserId);
  });
});

describe('a store whose key was made before keys had certificates', () => {
  it('gets a certificate for the same key at start: old tokens (old kid) still verify, new ones carry the certificate thumbprint', async () => {
    const { options, cleanup } = storeOptions(true);
    const opts = { port: 0, tlsDir: tlsDir(), ...options };
    let emu = await createEmulator(opts);
    try {
      // Put the store back the way an older version left it: a key whose kid is its JWK thumbprint and no x5c.
      const db = emu.internals.services.store.db;
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
      const publicJwk: JWK = { kty: 'RSA', n: privateJwk.n!, e: privateJwk.e! };
      const oldKid = await calculateJwkThumbprint(publicJwk);
      await db.deleteFrom('signing_keys').execute();
      await db
        .insertInto('signing_keys')
        .values({ kid: oldKid, private_jwk: JSON.stringify(privateJwk), public_jwk: JSON.stringify(publicJwk), created_at: '2020-01-01T00:00:00.000Z' })
        .execute();
      await emu.close();
      emu = await createEmulator(opts);

      const keys = await jwks(emu);
      const current = keys.find((k) => k.x5c !== undefined)!;
      expect(current.kid).toBe(sha1Thumbprint(current.x5c![0]!));
      expect(current.kid).not.toBe(oldKid);
      expect(current.n).toBe(publicJwk.n);
      // The old kid stays listed for tokens issued before, same key, no certificate.
      expect(keys.find((k) => k.kid === oldKid)).toMatchObject({ n: publicJwk.n, e: publicJwk.e });
      expect(keys).toHaveLength(2);

      // A token an older version signed (old kid) is still accepted, by the emulator and by jose.
      const now = Math.floor(Date.now() / 1000);
      const issuer = `https://sts.windows.net/${emu.demo.tenantId}/`;
      const oldToken = await new SignJWT({ appid: emu.demo.clientId, tid: emu.demo.tenantId, roles: ['User.Read.All'], ver: '1.0', idtyp: 'app', oid: emu.demo.clientId })
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: oldKid, x5t: oldKid })
        .setIssuer(issuer)
        .setAudience('https://graph.microsoft.com')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);
      await expect(jwtVerify(oldToken, createRemoteJWKSet(new URL(`${emu.url}/common/discovery/keys`)), { issuer })).resolves.toBeDefined();
      const oldRes = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, oldToken);
      expect(oldRes.status, await oldRes.clone().text()).toBe(200);

      const token = await appToken(emu);
      expect(decodeProtectedHeader(token)).toMatchObject({ kid: current.kid, x5t: current.kid });
      expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);

      // A second start keeps the same certificate.
      await emu.close();
      emu = await createEmulator(opts);
      expect(await jwks(emu)).toEqual(keys);
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  }, 60_000);
});
