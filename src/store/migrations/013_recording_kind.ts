import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * What a recording's content holds: 'spoken' (speech of its transcript) or 'sample' (the sample
 * clip); null for transcripts and for recordings made before this column (the sample clip then).
 * The control API and the dashboard show it. Idempotent, as 011.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const tables = await db.introspection.getTables();
  const schemaNamed = tables.some((t) => t.schema !== undefined);
  // PostgreSQL's introspection lists every schema's tables: only the current schema's counts (see 011).
  const current = schemaNamed ? (await sql<{ name: string }>`SELECT current_schema() AS name`.execute(db)).rows[0]?.name : undefined;
  const artifacts = tables.find((t) => t.name === 'artifacts' && (current === undefined || t.schema === current));
  if (artifacts?.columns.some((c) => c.name === 'recording_kind') === true) return;
  await db.schema.alterTable('artifacts').addColumn('recording_kind', 'text').execute();
}
