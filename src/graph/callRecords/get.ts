import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALL_PERMISSIONS } from '../../domain/callPermissions.js';
import { findCallRecord, recordChildrenBytes, type CallRecord } from '../../domain/callRecords.js';
import { badRequest, GraphError } from '../../http/errors.js';
import type { ExpandItem } from '../../http/odata/expand.js';
import { canonicalName } from '../../http/odata/names.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf } from '../authorize.js';
import { serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { notImplemented } from '../../http/errors.js';
import { parseFunctionCall } from '../../http/odata/keySyntax.js';
import { getPstnLog, isPstnFunction } from './pstn.js';
import { encodePageToken } from './pageToken.js';
import {
  appliedPageSize,
  CALL_RECORD_EXPAND,
  CALL_RECORD_PROPERTIES,
  CALL_RECORD_TYPE,
  jsonArrayBytes,
  maskRecordBytes,
  MAX_PARTICIPANTS_PAGE,
  MAX_SESSIONS_PAGE,
  pageSize,
  recordHead,
  refuseNestedOptions,
  SESSION_PROPERTIES,
  SESSION_TYPE,
  sendWithRaw,
  type RawProperty,
} from './shape.js';

/** A record older than 30 days (or never made, or another tenant's) is a 404 (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
export const recordNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `The call record '${id}' was not found.`);

export async function requireRecord(services: GraphServices, request: FastifyRequest, id: string): Promise<CallRecord> {
  await authorize(services, request, CALL_PERMISSIONS.callRecordRead);
  const record = await findCallRecord(services.ctx, principalOf(request).tenantId, id);
  if (record === undefined) throw recordNotFound(id);
  return record;
}

interface Expansion {
  sessions?: { segments: boolean; select: string[] | undefined };
  participants: boolean;
}

/** `$select` inside `sessions(...)` is allowed (session takes $select); not inside segments or participants_v2 (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
export function sessionSelect(select: readonly string[] | undefined): string[] | undefined {
  if (select === undefined) return undefined;
  return select.map((name) => {
    if (name === '*') return name;
    const canonical = canonicalName(SESSION_PROPERTIES, name);
    if (canonical === undefined) throw badRequest(`Could not find a property named '${name}' on type '${SESSION_TYPE}'.`);
    return canonical;
  });
}

function expansion(items: readonly ExpandItem[] | undefined): Expansion {
  const result: Expansion = { participants: false };
  for (const item of items ?? []) {
    refuseNestedOptions(item);
    if (item.name === '*' || item.name === 'sessions') {
      const segments = (item.expand ?? []).some((child) => {
        refuseNestedOptions(child);
        if (child.select !== undefined || child.expand !== undefined) throw badRequest('$select and $expand are not supported on segments.');
        return child.name === 'segments' || child.name === '*';
      });
      result.sessions = { segments, select: sessionSelect(item.select) };
    }
    if (item.name === '*' || item.name === 'participants_v2') {
      if (item.select !== undefined || item.expand !== undefined) throw badRequest('$select and $expand are only supported for callRecord and session.');
      result.participants = true;
    }
    if (item.name === 'organizer_v2' && (item.select !== undefined || item.expand !== undefined)) {
      throw badRequest('$select and $expand are only supported for callRecord and session.');
    }
  }
  return result;
}

/**
 * `callRecords(sessions(segments()))` / `callRecords(participants_v2())` / `callRecords(id,version)`
 * (https://learn.microsoft.com/graph/api/callrecords-callrecord-get); a `$select` inside the expansion
 * stays in it, `callRecords(sessions(id,modalities))` (OData 4.01 Protocol, Context URL: Expanded Entity).
 */
function contextSet(select: readonly string[] | undefined, exp: Expansion): string {
  const parts: string[] = select === undefined || select.includes('*') ? [] : [...select];
  if (exp.sessions !== undefined) {
    const inner = exp.sessions.select === undefined || exp.sessions.select.includes('*') ? [] : [...exp.sessions.select];
    if (exp.sessions.segments) inner.push('segments()');
    parts.push(`sessions(${inner.join(',')})`);
  }
  if (exp.participants) parts.push('participants_v2()');
  return parts.length === 0 ? 'communications/callRecords' : `communications/callRecords(${parts.join(',')})`;
}

/** Keep only the selected properties of a stored session (id always). */
export const selectSession = (json: string, select: readonly string[]): string => JSON.stringify(applySelect(JSON.parse(json) as object, select, ['id']));

/** selectSession for a session in UTF-8. */
export const selectSessionBytes = (json: Uint8Array, select: readonly string[]): Uint8Array =>
  Buffer.from(selectSession(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'), select));

export function sessionsLink(root: string, recordId: string, token: string, segments: boolean, select: readonly string[] | undefined): string {
  const query = [...(segments ? ['$expand=segments'] : []), ...(select !== undefined ? [`$select=${encodeURIComponent(select.join(','))}`] : []), `$skiptoken=${encodeURIComponent(token)}`];
  return `${root}/communications/callRecords/${recordId}/sessions?${query.join('&')}`;
}

export const participantsLink = (root: string, recordId: string, token: string): string => `${root}/communications/callRecords/${recordId}/participants_v2?$skiptoken=${encodeURIComponent(token)}`;

type RecordRequest = FastifyRequest<{ Params: { callRecordId: string } }>;

/**
 * GET /communications/callRecords/{id}, and the functions on the collection (getPstnCalls(…),
 * getDirectRoutingCalls(…)): the key-syntax rewrite leaves a call with named parameters as one
 * segment, so it arrives here as the "id".
 */
export async function getCallRecordOrFunction(request: RecordRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const segment = request.params.callRecordId;
  const call = parseFunctionCall(segment);
  if (call === null) return getCallRecord(services, request, reply, segment);
  if (isPstnFunction(call)) return getPstnLog(services, request, reply, call, segment);
  throw notImplemented(request.method, request.originalUrl.split('?')[0] ?? '');
}

/** GET /communications/callRecords/{id} with $select, $expand and nested paging (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
async function getCallRecord(services: GraphServices, request: FastifyRequest, reply: FastifyReply, id: string): Promise<FastifyReply> {
  const options = parseQueryOptions(request.query as QueryInput, {
    select: { properties: CALL_RECORD_PROPERTIES, typeName: CALL_RECORD_TYPE },
    expand: CALL_RECORD_EXPAND,
  });
  const exp = expansion(options.expand);
  const record = await requireRecord(services, request, id);
  const root = serviceRoot(request);
  const metadata = `${root}/$metadata`;
  let head = recordHead(record, metadata, `${metadata}#${contextSet(options.select, exp)}/$entity`);
  if (options.select !== undefined) head = applySelect(head, options.select, ['id']);

  const raw: RawProperty[] = [];
  const applied: string[] = [];
  const { db } = services.ctx;
  if (exp.participants) {
    const size = pageSize(request, MAX_PARTICIPANTS_PAGE);
    const page = await recordChildrenBytes(services.ctx, record.id, 'participants', 0, size);
    if (page.more) head['participants_v2@odata.nextLink'] = participantsLink(root, record.id, await encodePageToken(db, { k: 'participants', r: record.id, o: size, n: size }));
    raw.push(['participants_v2', jsonArrayBytes(maskRecordBytes(request, page.items))]);
    applied.push(...appliedPageSize(request, size));
  }
  if (exp.sessions !== undefined) {
    const { segments, select } = exp.sessions;
    const size = pageSize(request, MAX_SESSIONS_PAGE);
    const page = await recordChildrenBytes(services.ctx, record.id, 'sessions', 0, size, segments);
    const items = select === undefined ? page.items : page.items.map((json) => selectSessionBytes(json, select));
    raw.push(['sessions', jsonArrayBytes(maskRecordBytes(request, items))]);
    if (page.more) {
      const link = sessionsLink(root, record.id, await encodePageToken(db, { k: 'sessions', r: record.id, o: size, n: size }), segments, select);
      raw.push(['sessions@odata.nextLink', JSON.stringify(link)]);
    }
    applied.push(...appliedPageSize(request, size));
  }
  return sendWithRaw(request, reply, head, raw, applied);
}
