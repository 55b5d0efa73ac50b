import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyRing } from '../../src/domain/signingKeys.js';
import { issueAppToken, issueUserToken } from '../../src/auth/tokens.js';
import { AccessTokenVerifier } from '../../src/auth/verifier.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import { openKeyedStore } from '../support/emulator.js';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const HOUR = 3_600_000;
const SKEW = 300_000;

/** The verifier over a real key ring in a real store; the test holds its wall clock and its tenant list. */
describe('AccessTokenVerifier caching', () => {
  let store: Store;
  let keys: SigningKeyRing;
  const clock = new VirtualClock();
  const tenantId = randomUUID();

  beforeAll(async () => {
    ({ store, keys } = await openKeyedStore(clock));
  });
  afterAll(async () => {
    clock.close();
    await store.dropSchema();
    await store.close();
  });

  const clientId = randomUUID();

  /** A verifier whose "now" the test moves, counting how often it asks about a tenant or an app. */
  function harness(tenants = new Set<string>([tenantId])) {
    const state = { nowMs: T0, tenantLookups: 0, appLookups: 0, tenants, apps: new Map<string, string>([[clientId, tenantId]]) };
    const verifier = new AccessTokenVerifier(
      keys,
      {
        tenantExists: async (tid) => {
          state.tenantLookups += 1;
          return state.tenants.has(tid);
        },
        appRegistered: async (cid, tid) => {
          state.appLookups += 1;
          return state.apps.get(cid) === tid;
        },
      },
      () => state.nowMs,
    );
    return { state, verifier };
  }

  const appTokenAt = (issuedAtMs: number, lifetimeSeconds = 3599, notBefore?: number) =>
    issueAppToken(
      keys,
      { tenantId, clientId, servicePrincipalId: randomUUID(), appDisplayName: 'app', roles: ['User.Read.All'] },
      { issuedAt: Math.floor(issuedAtMs / 1000), lifetimeSeconds, ...(notBefore !== undefined ? { notBefore: Math.floor(notBefore / 1000) } : {}) },
    );

  it('a verified token is served from the cache: the store is asked once', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0);
    const first = await verifier.verify(token);
    expect(first).toMatchObject({ kind: 'application', tenantId, roles: new Set(['User.Read.All']) });
    for (let i = 0; i < 50; i += 1) expect(await verifier.verify(token)).toBe(first);
    expect(state.tenantLookups).toBe(1);
    expect(state.appLookups).toBe(1);
  });

  it('a cached token of an app deleted elsewhere is refused after the re-check interval', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0);
    await verifier.verify(token);
    state.apps.clear();
    state.nowMs = T0 + 30_000;
    await verifier.verify(token); // still within the re-check interval: cached
    state.nowMs = T0 + 60_000;
    await expect(verifier.verify(token)).rejects.toThrow(/^Access token validation failure\.$/);
    expect(state.appLookups).toBe(2);
  });

  it('a cached token is refused once it expires (after the five-minute skew), and stays refused', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0, 3600);
    await verifier.verify(token);
    state.nowMs = T0 + HOUR + SKEW - 1_000;
    await expect(verifier.verify(token)).resolves.toMatchObject({ tenantId });
    state.nowMs = T0 + HOUR + SKEW;
    await expect(verifier.verify(token)).rejects.toThrow('Lifetime validation failed, the token is expired.');
    await expect(verifier.verify(token)).rejects.toThrow('Lifetime validation failed, the token is expired.');
  });

  it('a token that is not valid yet is refused until its nbf (less the skew) arrives', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0, 3 * 3600, T0 + HOUR);
    await expect(verifier.verify(token)).rejects.toThrow('Lifetime validation failed, the token is not yet valid.');
    state.nowMs = T0 + HOUR - SKEW;
    await expect(verifier.verify(token)).resolves.toMatchObject({ tenantId });
  });

  it('an already expired token is never cached', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0 - 2 * HOUR, 3600);
    await expect(verifier.verify(token)).rejects.toThrow('the token is expired');
    state.nowMs = T0 - HOUR;
    // Back within its lifetime, the token verifies from scratch (a store look-up): nothing was cached.
    await verifier.verify(token);
    expect(state.tenantLookups).toBe(1);
  });

  it('a cached token of a tenant deleted elsewhere is refused after the tenant re-check interval', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0);
    await verifier.verify(token);
    state.tenants.delete(tenantId);
    state.nowMs = T0 + 30_000;
    await verifier.verify(token); // still within the re-check interval: cached
    expect(state.tenantLookups).toBe(1);
    state.nowMs = T0 + 60_000;
    await expect(verifier.verify(token)).rejects.toThrow('Access token validation failure. Invalid issuer.');
    expect(state.tenantLookups).toBe(2);
  });

  it('clear() forgets every cached verification', async () => {
    const { state, verifier } = harness();
    const token = await appTokenAt(T0);
    await verifier.verify(token);
    state.tenants.clear();
    verifier.clear();
    await expect(verifier.verify(token)).rejects.toThrow('Invalid issuer');
  });

  it('delegated tokens become delegated principals with their scopes and UPN', async () => {
    const { verifier } = harness();
    const userId = randomUUID();
    const token = await issueUserToken(
      keys,
      {
        tenantId,
        clientId,
        appDisplayName: 'app',
        userId,
        userPrincipalName: 'a@b.example',
        displayName: 'A',
        givenName: null,
        surname: null,
        scopes: ['User.Read', 'OnlineMeetings.Read'],
      },
      { issuedAt: Math.floor(T0 / 1000), lifetimeSeconds: 3599 },
    );
    expect(await verifier.verify(token)).toMatchObject({
      kind: 'delegated',
      objectId: userId,
      userPrincipalName: 'a@b.example',
      scopes: new Set(['User.Read', 'OnlineMeetings.Read']),
      roles: new Set(),
    });
  });
});
