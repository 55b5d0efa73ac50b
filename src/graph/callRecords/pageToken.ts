import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { badRequest } from '../../http/errors.js';
import type { Database } from '../../store/schema.js';

/**
 * Opaque `$skiptoken`s for call-record pages (DESIGN.md: signed, encoding the position): base64url of
 * a small JSON state plus an HMAC-SHA256 over it with a key kept in the store, so tokens survive a
 * restart and work across instances sharing a database. A tampered or foreign token is a 400.
 */
export interface PageState {
  /** What the token pages: a record's sessions or participants, the record list, PSTN/DR rows. */
  k: 'sessions' | 'participants' | 'list' | 'pstn' | 'directRouting';
  /** The record id (nested pages) or a fingerprint of the query (lists). */
  r: string;
  /** Offset of the next page. */
  o: number;
  /** Page size. */
  n: number;
}

const SETTING = 'callRecords.pageTokenKey';
const keys = new WeakMap<Kysely<Database>, Promise<Buffer>>();

function loadKey(db: Kysely<Database>): Promise<Buffer> {
  let key = keys.get(db);
  if (key === undefined) {
    key = (async () => {
      await db
        .insertInto('settings')
        .values({ key: SETTING, value: randomBytes(32).toString('base64') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
      return Buffer.from(row.value, 'base64');
    })();
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

export async function encodePageToken(db: Kysely<Database>, state: PageState): Promise<string> {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${mac(await loadKey(db), payload).toString('base64url')}`;
}

const invalid = () => badRequest('The $skiptoken is invalid or has expired.');

/** The state in `token`, which must page `kind` of `ref`. */
export async function decodePageToken(db: Kysely<Database>, token: string, kind: PageState['k'], ref: string): Promise<PageState> {
  const [payload, signature, extra] = token.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined || payload.length > 2000) throw invalid();
  const expected = mac(await loadKey(db), payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let state: Partial<PageState>;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<PageState>;
  } catch {
    throw invalid();
  }
  if (state.k !== kind || state.r !== ref || !Number.isSafeInteger(state.o) || !Number.isSafeInteger(state.n) || (state.o ?? -1) < 0 || (state.n ?? 0) < 1) throw invalid();
  return state as PageState;
}
