import type { Kysely } from 'kysely';

/**
 * Meetings deleted (a tombstone each): whose calendars they were on, so a calendarView delta round
 * can report their events as `@removed` (https://learn.microsoft.com/graph/api/event-delta) after the
 * meeting row is gone. Idempotent (IF NOT EXISTS), as 008.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deleted_meetings')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('calendar_user_ids', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .execute();
}
