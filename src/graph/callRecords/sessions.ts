import type { FastifyReply, FastifyRequest } from 'fastify';
import { findSessionJson, recordChildrenBytes } from '../../domain/callRecords.js';
import { badRequest, GraphError } from '../../http/errors.js';
import type { ExpandItem } from '../../http/odata/expand.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { contextUrl, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { requireRecord, selectSession, selectSessionBytes, sessionsLink } from './get.js';
import { decodePageToken, encodePageToken } from './pageToken.js';
import { appliedPageSize, jsonArrayBytes, maskRecordBytes, maskRecordJson, MAX_SESSIONS_PAGE, pageSize, refuseNestedOptions, SESSION_PROPERTIES, SESSION_TYPE, sendWithRaw } from './shape.js';

const SESSION_EXPAND = { navigation: ['segments'], typeName: SESSION_TYPE };

function withSegments(items: readonly ExpandItem[] | undefined): boolean {
  return (items ?? []).some((item) => {
    refuseNestedOptions(item);
    if (item.select !== undefined || item.expand !== undefined) throw badRequest('$select and $expand are not supported on segments.');
    return true;
  });
}

const sessionOptions = (request: FastifyRequest, skipToken: boolean) =>
  parseQueryOptions(request.query as QueryInput, {
    select: { properties: SESSION_PROPERTIES, typeName: SESSION_TYPE },
    expand: SESSION_EXPAND,
    ...(skipToken ? { skipToken: true as const } : {}),
  });

type SessionRequest = FastifyRequest<{ Params: { callRecordId: string; sessionId: string } }>;

/** GET …/callRecords/{id}/sessions: where `sessions@odata.nextLink` leads; pages of at most 60 (https://learn.microsoft.com/graph/api/callrecords-callrecord-list-sessions). */
export async function listCallRecordSessions(request: SessionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const id = request.params.callRecordId;
  const options = sessionOptions(request, true);
  const segments = withSegments(options.expand);
  const record = await requireRecord(services, request, id);
  const state = options.skipToken === undefined ? undefined : await decodePageToken(services.ctx.db, options.skipToken, 'sessions', record.id);
  const size = pageSize(request, MAX_SESSIONS_PAGE, state?.n);
  const offset = state?.o ?? 0;
  const page = await recordChildrenBytes(services.ctx, record.id, 'sessions', offset, size, segments);
  const select = options.select;
  const items = select === undefined ? page.items : page.items.map((json) => selectSessionBytes(json, select));
  const context = contextUrl(request, `communications/callRecords('${record.id}')/sessions${segments ? '(segments())' : ''}`);
  const head: Record<string, unknown> = { '@odata.context': context };
  if (page.more) {
    const token = await encodePageToken(services.ctx.db, { k: 'sessions', r: record.id, o: offset + size, n: size });
    head['@odata.nextLink'] = sessionsLink(serviceRoot(request), record.id, token, segments, select);
  }
  return sendWithRaw(request, reply, head, [['value', jsonArrayBytes(maskRecordBytes(request, items))]], appliedPageSize(request, size));
}

const sessionNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `The session '${id}' was not found.`);

/** GET …/sessions/{sessionId} (segments with $expand). */
export async function getCallRecordSession(request: SessionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { callRecordId: id, sessionId } = request.params;
  const options = sessionOptions(request, false);
  const segments = withSegments(options.expand);
  const record = await requireRecord(services, request, id);
  const json = await findSessionJson(services.ctx, record.id, sessionId, segments);
  if (json === undefined) throw sessionNotFound(sessionId);
  const body = options.select === undefined ? json : selectSession(json, options.select);
  const context = contextUrl(request, `communications/callRecords('${record.id}')/sessions${segments ? '(segments())' : ''}/$entity`);
  const text = maskRecordJson(request, body);
  // The stored session starts with `{`: put the context annotation first.
  return sendWithRaw(request, reply, JSON.parse(`{"@odata.context":${JSON.stringify(context)}${text.length > 2 ? ',' : ''}${text.slice(1)}`) as Record<string, unknown>, [], []);
}

/** GET …/sessions/{sessionId}/segments: a session's segments (never more than a handful). */
export async function listCallRecordSegments(request: SessionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { callRecordId: id, sessionId } = request.params;
  parseQueryOptions(request.query as QueryInput, {});
  const record = await requireRecord(services, request, id);
  const json = await findSessionJson(services.ctx, record.id, sessionId, true);
  if (json === undefined) throw sessionNotFound(sessionId);
  const segments = JSON.stringify((JSON.parse(json) as { segments?: unknown[] }).segments ?? []);
  const context = contextUrl(request, `communications/callRecords('${record.id}')/sessions('${sessionId}')/segments`);
  return sendWithRaw(request, reply, { '@odata.context': context }, [['value', maskRecordJson(request, segments)]], []);
}
