import type { ChatMessage } from '../../domain/chatMessages.js';

export const CHAT_MESSAGE_PROPERTIES: readonly string[] = [
  'id',
  'attachments',
  'body',
  'channelIdentity',
  'chatId',
  'createdDateTime',
  'deletedDateTime',
  'etag',
  'eventDetail',
  'from',
  'importance',
  'lastEditedDateTime',
  'lastModifiedDateTime',
  'locale',
  'mentions',
  'messageHistory',
  'messageType',
  'policyViolation',
  'reactions',
  'replyToId',
  'subject',
  'summary',
  'webUrl',
];

/** A chatMessage as Graph serializes a chat's message (https://learn.microsoft.com/graph/api/chatmessage-get, example for a chat). */
export function toGraphChatMessage(m: ChatMessage): Record<string, unknown> {
  return {
    id: m.id,
    replyToId: null,
    etag: m.id,
    messageType: 'message',
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.createdDateTime,
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId: m.chatId,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    policyViolation: null,
    eventDetail: null,
    from: {
      application: null,
      device: null,
      user:
        m.fromUserId === null ? null : { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: m.fromUserId, displayName: m.fromDisplayName, userIdentityType: 'aadUser', tenantId: m.tenantId },
    },
    body: { contentType: m.contentType, content: m.content },
    attachments: [],
    mentions: [],
    reactions: [],
    messageHistory: [],
  };
}
