import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/domain/jwt.js';
import { bearerToken } from '../../src/http/bearer.js';
import { SigningKeyRing } from '../../src/domain/signingKeys.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import { openKeyedStore } from '../support/emulator.js';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
  ])('reads %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([[undefined], [''], ['Bearer'], ['Bearer '], ['Basic abc'], ['Bearer a b'], ['Bearerabc']])('finds no token in %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('signJwt', () => {
  let store: Store;
  let keys: SigningKeyRing;
  const clock = new VirtualClock();

  beforeAll(async () => {
    ({ store, keys } = await openKeyedStore(clock));
  });
  afterAll(async () => {
    clock.close();
    await store.dropSchema();
    await store.close();
  });

  it('signs with the store key: RS256, kid, optional typ and x5t, the claims and times asked for', async () => {
    const kid = keys.signingKey().kid;
    const full = await signJwt(keys, { tid: 't' }, { audience: 'aud', issuedAt: 1_000, lifetimeSeconds: 60, notBefore: 990, issuer: 'iss', subject: 'sub', typ: true, x5t: true });
    expect(decodeProtectedHeader(full)).toEqual({ typ: 'JWT', alg: 'RS256', kid, x5t: kid });
    expect(decodeJwt(full)).toEqual({ tid: 't', iss: 'iss', sub: 'sub', aud: 'aud', iat: 1_000, nbf: 990, exp: 1_060 });
    const bare = await signJwt(keys, {}, { audience: 'aud', issuedAt: 1_000, lifetimeSeconds: 60 });
    expect(decodeProtectedHeader(bare)).toEqual({ alg: 'RS256', kid });
    expect(decodeJwt(bare)).toEqual({ aud: 'aud', iat: 1_000, exp: 1_060 });
    const key = await keys.verificationKey(kid);
    const verified = await jwtVerify(bare, key!.publicKey, { currentDate: new Date(1_010_000) });
    expect(verified.payload['aud']).toBe('aud');
  });
});
