import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from '../kysely.js';

/**
 * Recording and transcript bytes in the database (issue 16 item 5), for PostgreSQL instances that
 * share no blob directory (store/pgContent.ts): `content_blobs` names each stored content (its
 * sha-256 key once complete, null while being written), `content_chunks` holds its bytes in rows of
 * `chunk_size` bytes, so a download reads only the rows its Range covers. SQLite gets the (empty)
 * tables too, to keep one schema; its content stays in files. Idempotent (the migration tests rewind).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('content_blobs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('key', 'text', (c) => c.unique())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('chunk_size', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('content_chunks')
    .ifNotExists()
    .addColumn('content_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('bytes', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('content_chunks_pk', ['content_id', 'seq'])
    .execute();
  // Out of line but uncompressed: recordings are compressed media already, and pglz trying each
  // 256 KiB chunk on the way in (and undoing it on the way out) only costs time.
  if (postgres) await sql`ALTER TABLE content_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL`.execute(db);
}
