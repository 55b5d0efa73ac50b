import { signJwt } from '../domain/jwt.js';
import { randomBytes } from 'node:crypto';
import type { SigningKeyRing } from '../domain/signingKeys.js';
import { v1Issuer } from '../domain/graphResource.js';

/**
 * The app id Graph's change-notification publisher signs validation tokens as
 * (https://learn.microsoft.com/graph/change-notifications-with-resource-data#validation-tokens-in-the-change-notification).
 */
export const NOTIFICATION_PUBLISHER_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

const LIFETIME_S = 3600;
/** A cached token is reissued once less than this much of its life is left. */
const REFRESH_MARGIN_S = 600;

/**
 * validationTokens for rich notifications: one JWT per (app, tenant) among a POST's items, RS256 with
 * the emulator's signing keys (published at /common/discovery/keys), claims as Microsoft lists them
 * (https://learn.microsoft.com/graph/change-notifications-with-resource-data). Lifetimes follow wall
 * time, as receivers check them against their own clock.
 */
export class ValidationTokenIssuer {
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly keys: SigningKeyRing) {}

  async token(appId: string, tenantId: string): Promise<string> {
    const cacheKey = `${appId}|${tenantId}`;
    const nowS = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined && cached.expiresAt - nowS > REFRESH_MARGIN_S) return cached.token;
    const issuer = v1Issuer(tenantId);
    const token = await signJwt(
      this.keys,
      {
        aio: randomBytes(24).toString('base64'),
        appid: NOTIFICATION_PUBLISHER_APP_ID,
        appidacr: '2',
        idp: issuer,
        tid: tenantId,
        uti: randomBytes(16).toString('base64url').slice(0, 22),
        ver: '1.0',
      },
      { issuer, audience: appId, issuedAt: nowS, notBefore: nowS, lifetimeSeconds: LIFETIME_S, typ: true, x5t: true },
    );
    if (this.cache.size >= 1024) this.cache.clear();
    this.cache.set(cacheKey, { token, expiresAt: nowS + LIFETIME_S });
    return token;
  }
}
