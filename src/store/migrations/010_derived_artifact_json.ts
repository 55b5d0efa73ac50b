import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Keep an artifact's resource once (issue 16): its row derives the callRecording/callTranscript JSON
 * (domain/artifactResource.ts) when a page or the delivery log needs it, so the copies earlier
 * versions kept in `artifacts.resource_json` and in the change feed's `data` are emptied, with the feed
 * row's copies of the ids (the artifact row with feed_seq = seq has them). The columns stay, as '' or
 * null: earlier migrations, run again when a test takes a store back a version, still name them.
 * The change feed's two secondary indexes had no reader (the feed is read by seq only).
 * Running it again changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE artifacts SET resource_json = '' WHERE resource_json <> ''`.execute(db);
  await sql`UPDATE change_feed SET data = '', resource_id = '', organizer_id = NULL, meeting_id = NULL WHERE resource IN ('recording', 'transcript') AND data <> ''`.execute(db);
  await db.schema.dropIndex('change_feed_tenant_resource').ifExists().execute();
  await db.schema.dropIndex('change_feed_organizer').ifExists().execute();
}
