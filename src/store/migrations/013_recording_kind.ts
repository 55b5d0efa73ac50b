import type { Kysely } from 'kysely';
import { hasColumn } from './columns.js';

/**
 * What a recording's content holds: 'spoken' (speech of its transcript) or 'sample' (the sample
 * clip); null for transcripts and for recordings made before this column (the sample clip then).
 * The control API and the dashboard show it. Idempotent, as 011.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (await hasColumn(db, 'artifacts', 'recording_kind')) return;
  await db.schema.alterTable('artifacts').addColumn('recording_kind', 'text').execute();
}
