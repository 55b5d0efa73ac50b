import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Public clients (issue 15): an app registration's "Allow public client flows" switch (Graph's
 * `application.isFallbackPublicClient`). Only a public client may use the delegated grants without
 * its secret. Apps registered before the rule existed keep the behaviour they had (no secret asked).
 * https://learn.microsoft.com/graph/api/resources/application
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('is_fallback_public_client', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE apps SET is_fallback_public_client = 1`.execute(db);
}
