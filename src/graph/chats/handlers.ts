import type { FastifyReply, FastifyRequest } from 'fastify';
import { findChatMessage, listChatMessages, meetingOfChat, postChatMessage } from '../../domain/chatMessages.js';
import type { Meeting } from '../../domain/meetings.js';
import { PERMISSIONS, type PermissionRule } from '../../domain/permissions.js';
import { badRequest, GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import { excerpt } from '../../runtime/excerpt.js';
import { readToken } from '../artifacts/stateTokens.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { cachedMeeting, cachedUser } from '../cachedReads.js';
import { contextUrl, selectedSet, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { CHAT_MESSAGE_PROPERTIES, toGraphChatMessage } from './shape.js';

type Req = FastifyRequest<{ Params: { userId?: string; chatId?: string; messageId?: string }; Body: unknown }>;

const MESSAGE_TYPE = 'microsoft.graph.chatMessage';
/** chat-list-messages: `$top` up to 50. */
const MAX_PAGE = 50;

/** Was the request made through `/me/chats/…` (routes are registered under the version prefix)? */
const viaMe = (request: Req): boolean => (request.routeOptions.url ?? '').includes('/me/chats/');

const chatNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `Chat '${excerpt(id)}' was not found.`);

/**
 * The meeting whose chat `chatId` is, with the permission checked: roles (tenant-wide), RSC of an app
 * installed in the meeting, or a delegated member (the organizer or an attendee). `/me/chats/…` needs
 * a user.
 */
async function chatOf(request: Req, rule: PermissionRule): Promise<Meeting> {
  const services = servicesOf(request);
  const principal = principalOf(request);
  if (viaMe(request)) await resolvePathUser(services, request, undefined);
  const chatId = request.params.chatId ?? '';
  const meetingId = await meetingOfChat(services.ctx, principal.tenantId, chatId);
  await authorize(services, request, rule, meetingId === undefined ? {} : { meetingId });
  const meeting = meetingId === undefined ? undefined : await cachedMeeting(services, meetingId);
  if (meeting === undefined) throw chatNotFound(chatId);
  if (principal.kind === 'delegated') {
    const member = meeting.organizerId === principal.objectId || (meeting.settings.attendees ?? []).some((a) => a.userId === principal.objectId);
    if (!member) throw new GraphError(403, 'Forbidden', 'The user is not a member of this chat.');
  }
  return meeting;
}

const chatSet = (meeting: Meeting): string => `chats('${encodeURIComponent(meeting.threadId)}')/messages`;

/** GET /chats/{chatId}/messages, /me/chats/{chatId}/messages: newest first, `$top` ≤ 50 with `$skiptoken` pages (https://learn.microsoft.com/graph/api/chat-list-messages). */
export async function listMessages(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: CHAT_MESSAGE_PROPERTIES, typeName: MESSAGE_TYPE }, top: { max: MAX_PAGE }, skipToken: true });
  const meeting = await chatOf(request, PERMISSIONS.chatMessagesRead);
  let offset = 0;
  let size = options.top ?? MAX_PAGE;
  const base = `${serviceRoot(request)}${viaMe(request) ? '/me' : ''}/chats/${encodeURIComponent(meeting.threadId)}/messages`;
  if (options.skipToken !== undefined) {
    const state = await readToken(services, options.skipToken, () => base);
    const { k, c, o, n } = state.query;
    if (k !== 'chatMessages' || c !== meeting.threadId || typeof o !== 'number' || typeof n !== 'number' || o < 0 || n < 1) throw badRequest('The $skiptoken is invalid or has expired.');
    offset = o;
    size = Math.min(n, MAX_PAGE);
  }
  const page = await listChatMessages(services.ctx, meeting.tenantId, meeting.threadId, offset, size);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request, selectedSet(chatSet(meeting), options.select)),
    '@odata.count': page.items.length,
    value: page.items.map((m) => {
      const shaped = toGraphChatMessage(m);
      return options.select === undefined ? shaped : applySelect(shaped, options.select, ['id']);
    }),
  };
  if (page.more) {
    const token = await services.deltaTokens.sign({ query: { k: 'chatMessages', c: meeting.threadId, o: offset + size, n: size }, position: 0, delta: false, issuedAtMs: services.ctx.clock.nowMs() });
    const select = options.select !== undefined ? `$select=${encodeURIComponent(options.select.join(','))}&` : '';
    body['@odata.nextLink'] = `${base}?${select}$top=${size}&$skiptoken=${encodeURIComponent(token)}`;
  }
  return sendGraphJson(request, reply, 200, body);
}

/** GET /chats/{chatId}/messages/{messageId} (https://learn.microsoft.com/graph/api/chatmessage-get). */
export async function getMessage(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: CHAT_MESSAGE_PROPERTIES, typeName: MESSAGE_TYPE } });
  const meeting = await chatOf(request, PERMISSIONS.chatMessageRead);
  const id = request.params.messageId ?? '';
  const message = await findChatMessage(services.ctx, meeting.tenantId, meeting.threadId, id);
  if (message === undefined) throw new GraphError(404, 'NotFound', `Message '${excerpt(id)}' was not found in this chat.`);
  const shaped = toGraphChatMessage(message);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `${selectedSet(chatSet(meeting), options.select)}/$entity`),
    ...(options.select === undefined ? shaped : applySelect(shaped, options.select, ['id'])),
  });
}

function parseBody(body: unknown): { content: string; contentType: 'text' | 'html' } {
  const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['body'] : undefined;
  const item = b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
  const content = item?.['content'];
  if (typeof content !== 'string' || content.trim() === '') throw badRequest('A message needs body.content.');
  const type = item?.['contentType'] ?? 'text';
  if (typeof type !== 'string' || !['text', 'html'].includes(type.toLowerCase())) throw badRequest(`Invalid body.contentType '${excerpt(String(type))}': use text or html.`);
  return { content, contentType: type.toLowerCase() === 'html' ? 'html' : 'text' };
}

/**
 * POST /chats/{chatId}/messages (https://learn.microsoft.com/graph/api/chat-post-messages): on behalf of
 * a member, with ChatMessage.Send or Chat.ReadWrite. An application token is refused as Teams refuses
 * it outside a message import (401 Unauthorized, MicrosoftDocs/msteams-docs#10318).
 */
export async function postMessage(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  parseQueryOptions(request.query as QueryInput, {});
  const principal = principalOf(request);
  if (principal.kind === 'application') {
    throw new GraphError(
      401,
      'Unauthorized',
      'Message POST is allowed in application-only context only for import purposes. Refer to https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/import-external-messages-to-teams for more details.',
    );
  }
  const meeting = await chatOf(request, PERMISSIONS.chatMessageSend);
  const input = parseBody(request.body);
  const user = await cachedUser(services, principal.tenantId, principal.objectId);
  const message = await postChatMessage(services.ctx, {
    meeting,
    fromUserId: principal.objectId,
    fromDisplayName: user?.displayName ?? null,
    content: input.content,
    contentType: input.contentType,
    createdDateTime: services.ctx.clock.now().toISOString(),
  });
  return sendGraphJson(request, reply, 201, { '@odata.context': contextUrl(request, `${chatSet(meeting)}/$entity`), ...toGraphChatMessage(message) });
}
