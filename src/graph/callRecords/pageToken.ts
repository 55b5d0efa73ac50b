import type { Kysely } from 'kysely';
import { stateTokenCodec } from '../../domain/stateTokens.js';
import { badRequest } from '../../http/errors.js';
import type { Database } from '../../store/schema.js';

/**
 * Opaque `$skiptoken`s for call-record pages, signed by the store's state-token codec
 * (domain/stateTokens.ts). They name a record (or a query) and an offset, not the store generation:
 * a record that outlives a reset or restart (the demo record) keeps paging, one that is gone is the
 * record lookup's 404. A tampered or foreign token is a 400.
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

export function encodePageToken(db: Kysely<Database>, state: PageState): Promise<string> {
  return stateTokenCodec(db).encode('callRecordPage', { k: state.k, r: state.r, o: state.o, n: state.n }, { generational: false });
}

const invalid = () => badRequest('The $skiptoken is invalid or has expired.');

/** The state in `token`, which must page `kind` of `ref`. */
export async function decodePageToken(db: Kysely<Database>, token: string, kind: PageState['k'], ref: string): Promise<PageState> {
  const checked = await stateTokenCodec(db).verify('callRecordPage', token);
  if (!checked.ok) throw invalid();
  const { k, r, o, n } = checked.value;
  if (k !== kind || r !== ref || typeof o !== 'number' || typeof n !== 'number' || !Number.isSafeInteger(o) || !Number.isSafeInteger(n) || o < 0 || n < 1) throw invalid();
  return { k: kind, r: ref, o, n };
}
