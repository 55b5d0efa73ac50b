import type { Kysely } from 'kysely';

/**
 * Meetings by end instant: a getAll* page asks once whether any meeting has expired at all (one seek
 * here), and probes each row's meeting only if one has (domain/artifacts.ts, scoped). Idempotent (IF NOT EXISTS).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('meetings_end').ifNotExists().on('meetings').column('end_date_time').execute();
}
