import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Meeting chats (issue 17): the messages of a meeting's chat (its chatInfo.threadId), posted during a
 * simulated meeting or through POST /chats/{chatId}/messages (https://learn.microsoft.com/graph/api/chat-post-messages).
 * A message's id is unique within its chat, as Teams' (epoch milliseconds) are. Idempotent (IF NOT
 * EXISTS): the earlier migrations' tests rewind the bookkeeping and run every later migration again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_messages')
    .ifNotExists()
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text')
    .addColumn('from_user_id', 'text')
    .addColumn('from_display_name', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_messages_pk', ['chat_id', 'id'])
    .execute();
  await sql`CREATE INDEX IF NOT EXISTS chat_messages_by_time ON chat_messages (chat_id, created_at)`.execute(db);
}
