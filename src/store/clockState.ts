import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ClockState, VirtualClock } from '../runtime/clock.js';

const KEY = 'clock';

/** The clock's offset and frozen instant live in the store, so a restart resumes the same virtual time. */
export async function loadClockState(db: Kysely<Database>): Promise<ClockState> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (row === undefined) return { offsetMs: 0, frozenAtMs: null };
  try {
    const parsed = JSON.parse(row.value) as Partial<ClockState>;
    return {
      offsetMs: typeof parsed.offsetMs === 'number' && Number.isFinite(parsed.offsetMs) ? parsed.offsetMs : 0,
      frozenAtMs: typeof parsed.frozenAtMs === 'number' && Number.isFinite(parsed.frozenAtMs) ? parsed.frozenAtMs : null,
    };
  } catch {
    return { offsetMs: 0, frozenAtMs: null };
  }
}

export async function saveClockState(db: Kysely<Database>, state: ClockState): Promise<void> {
  const value = JSON.stringify(state);
  await db
    .insertInto('settings')
    .values({ key: KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

export interface ClockPersistence {
  /** Resolves once every state change so far is in the store. */
  flush(): Promise<void>;
  stop(): void;
}

/** Save each change of the clock, one write at a time so the last state wins. */
export function persistClock(db: Kysely<Database>, clock: VirtualClock, onError: (err: unknown) => void): ClockPersistence {
  let pending: Promise<void> = Promise.resolve();
  const stop = clock.onChange((state) => {
    pending = pending.then(() => saveClockState(db, state)).catch(onError);
  });
  return { flush: () => pending, stop };
}
