import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { CALL_PERMISSIONS } from '../../domain/callPermissions.js';
import { listCallRecords as pageCallRecords, type CallRecordQuery, type StartBound } from '../../domain/callRecords.js';
import { badRequest } from '../../http/errors.js';
import type { FilterExpr } from '../../http/odata/filterAst.js';
import { pathMatches } from '../../http/odata/names.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, selectedSet, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { decodePageToken, encodePageToken } from './pageToken.js';
import { appliedPageSize, CALL_RECORD_PROPERTIES, CALL_RECORD_TYPE, LIST_PAGE, maskRecordJson, pageSize, recordHead } from './shape.js';

const UNSUPPORTED = "Invalid filter clause: only startDateTime with lt, le, gt or ge and a DateTimeOffset, and participants_v2/any(p:p/id eq '{id}'), joined by 'and', are supported.";

/** The documented filters (list-callrecords doc): startDateTime ranges and one participant, joined by `and`. */
export function recordQuery(expr: FilterExpr | undefined): CallRecordQuery {
  const query: CallRecordQuery = { start: [] };
  const visit = (node: FilterExpr): void => {
    if (node.type === 'and') {
      visit(node.left);
      visit(node.right);
      return;
    }
    if (node.type === 'compare' && node.left.type === 'property' && node.left.variable === undefined && pathMatches(node.left.path, 'startDateTime')) {
      const { op, right } = node;
      if (right.type !== 'literal' || right.kind !== 'datetime' || (op !== 'lt' && op !== 'le' && op !== 'gt' && op !== 'ge')) throw badRequest(UNSUPPORTED);
      query.start.push({ op, value: right.value.toISOString() } satisfies StartBound);
      return;
    }
    if (node.type === 'lambda' && node.op === 'any' && pathMatches(node.collection.path, 'participants_v2') && node.predicate?.type === 'compare') {
      const { left, right, op } = node.predicate;
      const onId = left.type === 'property' && left.variable === node.variable && pathMatches(left.path, 'id');
      if (op === 'eq' && onId && right.type === 'literal' && (right.kind === 'string' || right.kind === 'guid') && query.participantId === undefined) {
        query.participantId = String(right.value);
        return;
      }
    }
    throw badRequest(UNSUPPORTED);
  };
  if (expr !== undefined) visit(expr);
  return query;
}

/** GET /communications/callRecords: records of the last 30 days, never expanded, 60 a page (https://learn.microsoft.com/graph/api/callrecords-cloudcommunications-list-callrecords). */
export async function listCallRecords(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, {
    select: { properties: CALL_RECORD_PROPERTIES, typeName: CALL_RECORD_TYPE },
    filter: true,
    skipToken: true,
  });
  const query = recordQuery(options.filter);
  await authorize(services, request, CALL_PERMISSIONS.callRecordRead);
  const ref = createHash('sha256')
    .update(`${options.filterText ?? ''}|${(options.select ?? []).join(',')}`)
    .digest('base64url')
    .slice(0, 16);
  const state = options.skipToken === undefined ? undefined : await decodePageToken(services.ctx.db, options.skipToken, 'list', ref);
  const size = pageSize(request, LIST_PAGE, state?.n);
  const offset = state?.o ?? 0;
  const page = await pageCallRecords(services.ctx, principalOf(request).tenantId, query, offset, size);
  const root = serviceRoot(request);
  const value = page.items.map((record) => {
    const item = recordHead(record, `${root}/$metadata`, undefined);
    const masked = JSON.parse(maskRecordJson(request, JSON.stringify(item))) as Record<string, unknown>;
    return options.select === undefined ? masked : applySelect(masked, options.select, ['id']);
  });
  const body: Record<string, unknown> = { '@odata.context': contextUrl(request, selectedSet('communications/callRecords', options.select)), value };
  if (page.more) {
    const token = await encodePageToken(services.ctx.db, { k: 'list', r: ref, o: offset + size, n: size });
    const params = [
      ...(options.filterText !== undefined ? [`$filter=${encodeURIComponent(options.filterText)}`] : []),
      ...(options.select !== undefined ? [`$select=${encodeURIComponent(options.select.join(','))}`] : []),
      `$skiptoken=${encodeURIComponent(token)}`,
    ];
    body['@odata.nextLink'] = `${root}/communications/callRecords?${params.join('&')}`;
  }
  return sendGraphJson(request, reply, 200, body, appliedPageSize(request, size));
}
