import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * The one codec for opaque state tokens: delta and skip tokens of getAllRecordings/getAllTranscripts
 * and of artifact lists, and call-record `$skiptoken`s. A token is base64url(JSON) + "." +
 * base64url(HMAC-SHA256) with one key kept in the store's `state_token_keys` table, which a reset
 * keeps: every emulator sharing a database, before or after a restart or reset, verifies the others'
 * tokens, so a bad signature always means an altered or foreign token.
 *
 * A token may also name the store's generation (a settings value a reset wipes): such a token from
 * before a reset is 'stale', which Graph answers with 410 resyncRequired
 * (https://learn.microsoft.com/graph/delta-query-overview). Tokens that only name a position in a
 * resource that outlives the reset (a call record by id) leave the generation out.
 */
/**
 * A delta or skip token older than this can no longer be served: the client resyncs (410), as Graph's
 * expired tokens do (https://learn.microsoft.com/graph/delta-query-overview: seven days for directory
 * objects). What only such a token could need (a deleted meeting's tombstone) may go after it.
 */
export const STATE_TOKEN_LIFETIME_MS = 7 * 24 * 3_600_000;

export type TokenCheck<T> = { ok: true; value: T } | { ok: false; reason: 'tampered' | 'stale' };

/** What a token is for; a token made for one purpose is 'tampered' for any other. */
export type TokenPurpose = 'delta' | 'callRecordPage';

export type TokenBody = Readonly<Record<string, unknown>>;

const KEY_ID = 'current';
const GENERATION = 'store-generation';
/** Other instances notice another's reset within this long (the generation is re-read). */
const GENERATION_CACHE_MS = 1_000;
const MAX_TOKEN_LENGTH = 8_192;

const b64 = (bytes: Buffer): string => bytes.toString('base64url');

export class StateTokenCodec {
  /** The key never changes once made (a reset keeps it), so it is read once. */
  private key: Promise<Buffer> | undefined;
  private generation: { value: string; atMs: number } | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Made on first use; two instances racing: the first insert wins and both read it back. */
  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      await this.db
        .insertInto('state_token_keys')
        .values({ id: KEY_ID, secret: b64(randomBytes(32)), created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await this.db.selectFrom('state_token_keys').select('secret').where('id', '=', KEY_ID).executeTakeFirstOrThrow();
      return Buffer.from(row.secret, 'base64url');
    })();
    // A failed read (store briefly unavailable) is retried on the next use rather than cached.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  private async currentGeneration(): Promise<string> {
    const now = Date.now();
    if (this.generation !== undefined && now - this.generation.atMs < GENERATION_CACHE_MS) return this.generation.value;
    await this.db
      .insertInto('settings')
      .values({ key: GENERATION, value: b64(randomBytes(9)) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', GENERATION).executeTakeFirstOrThrow();
    this.generation = { value: row.value, atMs: now };
    return row.value;
  }

  /** Drop the cached generation, e.g. after this instance reset the store. */
  forget(): void {
    this.generation = undefined;
  }

  async encode(purpose: TokenPurpose, body: TokenBody, options: { generational: boolean }): Promise<string> {
    const envelope = options.generational ? { u: purpose, g: await this.currentGeneration(), b: body } : { u: purpose, b: body };
    const payload = b64(Buffer.from(JSON.stringify(envelope)));
    return `${payload}.${b64(
      createHmac('sha256', await this.loadKey())
        .update(payload)
        .digest(),
    )}`;
  }

  /** The body of a genuine token made for `purpose`; the caller checks the body's shape. */
  async verify(purpose: TokenPurpose, token: string): Promise<TokenCheck<Record<string, unknown>>> {
    const parts = token.split('.');
    if (parts.length !== 2 || parts[0] === '' || token.length > MAX_TOKEN_LENGTH) return tampered;
    const [payload = '', signature = ''] = parts;
    const expected = createHmac('sha256', await this.loadKey())
      .update(payload)
      .digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return tampered;
    let envelope: unknown;
    try {
      envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return tampered;
    }
    if (!isRecord(envelope) || envelope['u'] !== purpose || !isRecord(envelope['b'])) return tampered;
    if ('g' in envelope && envelope['g'] !== (await this.currentGeneration())) return { ok: false, reason: 'stale' };
    return { ok: true, value: envelope['b'] };
  }
}

const tampered = { ok: false, reason: 'tampered' } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const codecs = new WeakMap<Kysely<Database>, StateTokenCodec>();

/** The codec of a store: one per database handle, so its caches are shared by every caller. */
export function stateTokenCodec(db: Kysely<Database>): StateTokenCodec {
  let codec = codecs.get(db);
  if (codec === undefined) {
    codec = new StateTokenCodec(db);
    codecs.set(db, codec);
  }
  return codec;
}

// Delta and skip tokens ---------------------------------------------------------------------------

/** What a delta/skip token holds: the query a round was started with and the feed position reached. */
export interface TokenState {
  /** What the token pages through, as the handler that issued it defines it (kept verbatim). */
  readonly query: Readonly<Record<string, string | number | null>>;
  /** Feed position: every item at or before it has been returned. */
  readonly position: number;
  /** A deltaLink's token (round complete) rather than a nextLink's. */
  readonly delta: boolean;
  readonly issuedAtMs: number;
}

export type DeltaTokenCheck = { ok: true; state: TokenState } | { ok: false; reason: 'tampered' | 'stale' };

/** Delta and skip tokens: bound to the store generation, so one from before a reset is 'stale'. */
export class DeltaTokens {
  constructor(private readonly codec: StateTokenCodec) {}

  forget(): void {
    this.codec.forget();
  }

  sign(state: TokenState): Promise<string> {
    return this.codec.encode('delta', { q: state.query, p: state.position, d: state.delta ? 1 : 0, t: state.issuedAtMs }, { generational: true });
  }

  async verify(token: string): Promise<DeltaTokenCheck> {
    const checked = await this.codec.verify('delta', token);
    if (!checked.ok) return checked;
    const { q, p, d, t } = checked.value;
    if (!isRecord(q) || typeof p !== 'number' || typeof t !== 'number' || (d !== 0 && d !== 1)) return tampered;
    return { ok: true, state: { query: q as TokenState['query'], position: p, delta: d === 1, issuedAtMs: t } };
  }
}
