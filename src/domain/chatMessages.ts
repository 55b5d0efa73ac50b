import type { DomainContext } from './context.js';
import { DomainError } from '../runtime/errors.js';
import type { ChatMessageTable } from '../store/schema.js';
import type { Meeting } from './meetings.js';

/**
 * Messages of a meeting's chat (https://learn.microsoft.com/graph/api/resources/chatmessage): the
 * chat is the meeting's thread (onlineMeeting.chatInfo.threadId). A message id is the epoch
 * milliseconds of its creation, as Teams' are, made unique within the chat.
 */
export interface ChatMessage {
  id: string;
  chatId: string;
  tenantId: string;
  meetingId: string | null;
  fromUserId: string | null;
  fromDisplayName: string | null;
  contentType: 'text' | 'html';
  content: string;
  createdDateTime: string;
}

export interface NewChatMessage {
  meeting: Meeting;
  fromUserId: string | null;
  fromDisplayName: string | null;
  contentType?: 'text' | 'html';
  content: string;
  createdDateTime: string;
}

/** The longest message body Teams accepts (about 28 KB). */
export const MAX_CONTENT_LENGTH = 28_000;

const toMessage = (r: ChatMessageTable): ChatMessage => ({
  id: r.id,
  chatId: r.chat_id,
  tenantId: r.tenant_id,
  meetingId: r.meeting_id,
  fromUserId: r.from_user_id,
  fromDisplayName: r.from_display_name,
  contentType: r.content_type === 'html' ? 'html' : 'text',
  content: r.content,
  createdDateTime: r.created_at,
});

export async function postChatMessage(ctx: DomainContext, input: NewChatMessage): Promise<ChatMessage> {
  if (input.content.length > MAX_CONTENT_LENGTH) throw new DomainError('invalid', `A chat message is at most ${MAX_CONTENT_LENGTH} characters long.`);
  const chatId = input.meeting.threadId;
  return ctx.db.transaction().execute(async (trx) => {
    // Teams ids are creation milliseconds; two messages in the same millisecond take the next free one.
    let ms = Date.parse(input.createdDateTime);
    for (let tries = 0; tries < 1_000; tries++, ms++) {
      const taken = await trx.selectFrom('chat_messages').select('id').where('chat_id', '=', chatId).where('id', '=', String(ms)).executeTakeFirst();
      if (taken === undefined) break;
    }
    const row: ChatMessageTable = {
      chat_id: chatId,
      id: String(ms),
      tenant_id: input.meeting.tenantId,
      meeting_id: input.meeting.id,
      from_user_id: input.fromUserId,
      from_display_name: input.fromDisplayName,
      content_type: input.contentType ?? 'text',
      content: input.content,
      created_at: new Date(ms).toISOString(),
    };
    await trx.insertInto('chat_messages').values(row).execute();
    return toMessage(row);
  });
}

/** A page of the chat's messages, newest first (https://learn.microsoft.com/graph/api/chat-list-messages), and whether more follow. */
export async function listChatMessages(ctx: DomainContext, tenantId: string, chatId: string, offset: number, limit: number): Promise<{ items: ChatMessage[]; more: boolean }> {
  const rows = await ctx.db
    .selectFrom('chat_messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('chat_id', '=', chatId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(offset)
    .limit(limit + 1)
    .execute();
  return { items: rows.slice(0, limit).map(toMessage), more: rows.length > limit };
}

export async function findChatMessage(ctx: DomainContext, tenantId: string, chatId: string, id: string): Promise<ChatMessage | undefined> {
  const row = await ctx.db.selectFrom('chat_messages').selectAll().where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toMessage(row);
}

/** The meeting whose chat this is, in the tenant. */
export async function meetingOfChat(ctx: DomainContext, tenantId: string, chatId: string): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('meetings').select('id').where('tenant_id', '=', tenantId).where('thread_id', '=', chatId).executeTakeFirst();
  return row?.id;
}
