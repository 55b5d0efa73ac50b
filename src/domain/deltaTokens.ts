import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Skip and delta tokens (DESIGN.md, "opaque state tokens"): the query a round was started with and
 * the feed position reached, signed with HMAC-SHA256. The key lives in the store's settings (made on
 * first use), so every emulator sharing a database accepts the others' tokens. The token names its
 * key by a short id: a token signed with a key the store no longer has (it was reset) is stale and
 * gets a 410 resync, while a token whose signature does not match the current key was altered (400).
 */
export interface TokenState {
  /** What the token pages through, as the handler that issued it defines it (kept verbatim). */
  readonly query: Readonly<Record<string, string | number | null>>;
  /** Feed position: every item at or before it has been returned. */
  readonly position: number;
  /** A deltaLink's token (round complete) rather than a nextLink's. */
  readonly delta: boolean;
  readonly issuedAtMs: number;
}

export type TokenCheck = { ok: true; state: TokenState } | { ok: false; reason: 'tampered' | 'unknownKey' };

const SETTING = 'delta-token-key';
const KEY_CACHE_MS = 1_000;

const b64 = (bytes: Buffer): string => bytes.toString('base64url');

export class DeltaTokens {
  private cached: { key: Buffer; id: string; atMs: number } | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** The store's key, created on first use; re-read now and then so a reset store's new key is seen. */
  private async key(): Promise<{ key: Buffer; id: string }> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.atMs < KEY_CACHE_MS) return this.cached;
    let row = await this.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
    if (row === undefined) {
      // Two instances may race to create it: the first insert wins and both read it back.
      await this.db.insertInto('settings').values({ key: SETTING, value: b64(randomBytes(32)) }).onConflict((oc) => oc.column('key').doNothing()).execute();
      row = await this.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
    }
    const key = Buffer.from(row.value, 'base64url');
    const id = createHash('sha256').update(key).digest('base64url').slice(0, 8);
    this.cached = { key, id, atMs: now };
    return this.cached;
  }

  async sign(state: TokenState): Promise<string> {
    const { key, id } = await this.key();
    const payload = b64(Buffer.from(JSON.stringify({ k: id, q: state.query, p: state.position, d: state.delta ? 1 : 0, t: state.issuedAtMs })));
    return `${payload}.${b64(createHmac('sha256', key).update(payload).digest())}`;
  }

  async verify(token: string): Promise<TokenCheck> {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 8_192) return { ok: false, reason: 'tampered' };
    const payload = token.slice(0, dot);
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'tampered' };
    }
    if (!isRecord(parsed)) return { ok: false, reason: 'tampered' };
    const { key, id } = await this.key();
    const expected = createHmac('sha256', key).update(payload).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      return { ok: false, reason: parsed['k'] !== id && typeof parsed['k'] === 'string' ? 'unknownKey' : 'tampered' };
    }
    const { q, p, d, t } = parsed;
    if (!isRecord(q) || typeof p !== 'number' || typeof t !== 'number' || (d !== 0 && d !== 1)) return { ok: false, reason: 'tampered' };
    return { ok: true, state: { query: q as TokenState['query'], position: p, delta: d === 1, issuedAtMs: t } };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
