import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Skip and delta tokens (DESIGN.md, "opaque state tokens"): the query a round was started with and
 * the feed position reached, signed with HMAC-SHA256. The key lives in the store (made on first use,
 * kept by a reset), so every emulator sharing a database accepts the others' tokens, and a bad
 * signature always means an altered or foreign token (400). Each token also names the store's
 * generation (a settings value a reset wipes): a genuine token from before a reset is stale (410).
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

export type TokenCheck = { ok: true; state: TokenState } | { ok: false; reason: 'tampered' | 'stale' };

const GENERATION = 'store-generation';
const CACHE_MS = 1_000;

const b64 = (bytes: Buffer): string => bytes.toString('base64url');

export class DeltaTokens {
  private cached: { key: Buffer; generation: string; atMs: number } | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** The key and the store generation, created on first use (two instances racing: the first insert wins, both read it back). */
  private async secrets(): Promise<{ key: Buffer; generation: string }> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.atMs < CACHE_MS) return this.cached;
    let key = await this.db.selectFrom('state_token_keys').select('secret').where('id', '=', 'current').executeTakeFirst();
    if (key === undefined) {
      await this.db
        .insertInto('state_token_keys')
        .values({ id: 'current', secret: b64(randomBytes(32)), created_at: new Date(now).toISOString() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      key = await this.db.selectFrom('state_token_keys').select('secret').where('id', '=', 'current').executeTakeFirstOrThrow();
    }
    let generation = await this.db.selectFrom('settings').select('value').where('key', '=', GENERATION).executeTakeFirst();
    if (generation === undefined) {
      await this.db.insertInto('settings').values({ key: GENERATION, value: b64(randomBytes(9)) }).onConflict((oc) => oc.column('key').doNothing()).execute();
      generation = await this.db.selectFrom('settings').select('value').where('key', '=', GENERATION).executeTakeFirstOrThrow();
    }
    this.cached = { key: Buffer.from(key.secret, 'base64url'), generation: generation.value, atMs: now };
    return this.cached;
  }

  /** Drop what is cached, e.g. after this instance reset the store. */
  forget(): void {
    this.cached = undefined;
  }

  async sign(state: TokenState): Promise<string> {
    const { key, generation } = await this.secrets();
    const payload = b64(Buffer.from(JSON.stringify({ g: generation, q: state.query, p: state.position, d: state.delta ? 1 : 0, t: state.issuedAtMs })));
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
    const { key, generation } = await this.secrets();
    const expected = createHmac('sha256', key).update(payload).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { ok: false, reason: 'tampered' };
    if (parsed['g'] !== generation) return { ok: false, reason: 'stale' };
    const { q, p, d, t } = parsed;
    if (!isRecord(q) || typeof p !== 'number' || typeof t !== 'number' || (d !== 0 && d !== 1)) return { ok: false, reason: 'tampered' };
    return { ok: true, state: { query: q as TokenState['query'], position: p, delta: d === 1, issuedAtMs: t } };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
