import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordChildrenBytes } from '../../domain/callRecords.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { contextUrl, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { participantsLink, requireRecord } from './get.js';
import { decodePageToken, encodePageToken } from './pageToken.js';
import { appliedPageSize, jsonArrayBytes, maskRecordBytes, MAX_PARTICIPANTS_PAGE, pageSize, sendWithRaw } from './shape.js';

type RecordRequest = FastifyRequest<{ Params: { callRecordId: string } }>;

/** GET …/callRecords/{id}/participants_v2: where `participants_v2@odata.nextLink` leads; pages of at most 130 (https://learn.microsoft.com/graph/api/callrecords-callrecord-list-participants_v2). */
export async function listCallRecordParticipants(request: RecordRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const id = request.params.callRecordId;
  const options = parseQueryOptions(request.query as QueryInput, { skipToken: true });
  const record = await requireRecord(services, request, id);
  const state = options.skipToken === undefined ? undefined : await decodePageToken(services.ctx.db, options.skipToken, 'participants', record.id);
  const size = pageSize(request, MAX_PARTICIPANTS_PAGE, state?.n);
  const offset = state?.o ?? 0;
  const page = await recordChildrenBytes(services.ctx, record.id, 'participants', offset, size);
  const head: Record<string, unknown> = { '@odata.context': contextUrl(request, `communications/callRecords('${record.id}')/participants_v2`) };
  if (page.more) {
    const token = await encodePageToken(services.ctx.db, { k: 'participants', r: record.id, o: offset + size, n: size });
    head['@odata.nextLink'] = participantsLink(serviceRoot(request), record.id, token);
  }
  return sendWithRaw(request, reply, head, [['value', jsonArrayBytes(maskRecordBytes(request, page.items))]], appliedPageSize(request, size));
}

/** GET …/callRecords/{id}/organizer_v2. */
export async function getCallRecordOrganizer(request: RecordRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const id = request.params.callRecordId;
  parseQueryOptions(request.query as QueryInput, {});
  const record = await requireRecord(services, request, id);
  if (record.organizerV2 === null) throw new GraphError(404, 'NotFound', `The call record '${record.id}' has no organizer.`);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `communications/callRecords('${record.id}')/organizer_v2/$entity`),
    ...record.organizerV2,
  });
}
