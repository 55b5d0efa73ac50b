import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Ad hoc calls have one id (issue 12): Graph's adhocCall.id is the callId of its recordings and
 * transcripts (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings: the content URLs
 * name `adhocCalls/{callId}`). Stores made before gave each ad hoc call an id of its own, so the
 * notifications' `adhoccalls('{callId}')` links answered 404. Re-key those calls by their call id,
 * with everything that names the old id: the artifacts' link, their stored resource JSON (content
 * URLs), the change feed's copy of it, resource data kept for deliveries, and one-call subscriptions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; call_id: string }>`SELECT id, call_id FROM adhoc_calls WHERE id <> call_id`.execute(db);
  for (const { id: old, call_id: callId } of rows) {
    const from = `/adhocCalls/${old}/`;
    const to = `/adhocCalls/${callId}/`;
    await sql`UPDATE artifacts SET adhoc_call_id = ${callId}, resource_json = REPLACE(resource_json, ${from}, ${to}) WHERE adhoc_call_id = ${old}`.execute(db);
    await sql`UPDATE change_feed SET data = REPLACE(data, ${from}, ${to}) WHERE call_id = ${callId} AND meeting_id IS NULL`.execute(db);
    await sql`UPDATE notification_deliveries SET resource_data = REPLACE(resource_data, ${from}, ${to}) WHERE resource_data IS NOT NULL AND resource_data LIKE ${`%${from}%`}`.execute(db);
    await sql`UPDATE subscriptions SET scope_id = ${callId}, resource = REPLACE(resource, ${old}, ${callId}) WHERE resource_kind = 'adhocCall' AND LOWER(scope_id) = LOWER(${old})`.execute(db);
    await sql`UPDATE adhoc_calls SET id = ${callId} WHERE id = ${old}`.execute(db);
  }
}
