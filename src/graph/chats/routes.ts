import type { FastifyInstance } from 'fastify';
import { getMessage, listMessages, postMessage } from './handlers.js';

/** Meeting chats (https://learn.microsoft.com/graph/api/resources/chatmessage): a meeting's chat is its chatInfo.threadId. */
export function registerChatRoutes(app: FastifyInstance): void {
  app.get('/chats/:chatId/messages', listMessages);
  app.post('/chats/:chatId/messages', postMessage);
  app.get('/chats/:chatId/messages/:messageId', getMessage);
  app.get('/me/chats/:chatId/messages', listMessages);
  app.get('/me/chats/:chatId/messages/:messageId', getMessage);
}
