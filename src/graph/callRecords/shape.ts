import { excerpt } from '../../runtime/excerpt.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callRecordResource, type CallRecord } from '../../domain/callRecords.js';
import { badRequest } from '../../http/errors.js';
import type { ExpandSpec } from '../../http/odata/expandValidation.js';
import { includeUnknownEnumMembers, sendGraphJsonText } from '../respond.js';

/** Property names of callRecord and session, for $select (the only two types that take it, https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
export const CALL_RECORD_PROPERTIES = [
  'id',
  'version',
  'type',
  'modalities',
  'lastModifiedDateTime',
  'startDateTime',
  'endDateTime',
  'joinWebUrl',
  'organizer',
  'participants',
  'organizer_v2',
  'participants_v2',
  'sessions',
] as const;
export const SESSION_PROPERTIES = ['id', 'modalities', 'startDateTime', 'endDateTime', 'isTest', 'caller', 'callee', 'failureInfo', 'segments'] as const;

export const CALL_RECORD_TYPE = 'microsoft.graph.callRecords.callRecord';
export const SESSION_TYPE = 'microsoft.graph.callRecords.session';

export const CALL_RECORD_EXPAND: ExpandSpec = {
  navigation: ['sessions', 'sessions/segments', 'participants_v2', 'organizer_v2'],
  typeName: CALL_RECORD_TYPE,
  navigationTypes: { sessions: SESSION_TYPE },
};

/** Page caps: 60 sessions, 130 participants (https://learn.microsoft.com/graph/api/callrecords-callrecord-get); the record list pages by 60 (https://learn.microsoft.com/graph/api/callrecords-cloudcommunications-list-callrecords). */
export const MAX_SESSIONS_PAGE = 60;
export const MAX_PARTICIPANTS_PAGE = 130;
export const LIST_PAGE = 60;

/** The size of a page: `Prefer: odata.maxpagesize` when it asks for less than the cap. */
export function pageSize(request: FastifyRequest, cap: number, fromToken?: number): number {
  const preferred = request.graphState.prefer?.maxPageSize;
  return Math.min(preferred ?? fromToken ?? cap, cap);
}

/** `odata.maxpagesize=N` for Preference-Applied when the client asked for a page size. */
export const appliedPageSize = (request: FastifyRequest, size: number): string[] => (request.graphState.prefer?.maxPageSize !== undefined ? [`odata.maxpagesize=${size}`] : []);

/**
 * Evolvable enums inside call-record JSON: productFamily `azureCommunicationServices` comes after the
 * sentinel, so without `Prefer: include-unknown-enum-members` it is sent as `unknownFutureValue`
 * (https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations). Stored JSON is JSON.stringify output, so the member appears in exactly this form.
 */
export function maskRecordJson(request: FastifyRequest, json: string): string {
  if (includeUnknownEnumMembers(request)) return json;
  return json.includes('azureCommunicationServices') ? json.replaceAll('"productFamily":"azureCommunicationServices"', '"productFamily":"unknownFutureValue"') : json;
}

/**
 * The record's own properties in the order the reference page shows them, with its annotations
 * (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). `context` is the entity's
 * `@odata.context`; a list item (undefined) still carries `organizer_v2@odata.context`, as the items of
 * https://learn.microsoft.com/graph/api/callrecords-cloudcommunications-list-callrecords do.
 */
export function recordHead(record: CallRecord, metadata: string, context: string | undefined): Record<string, unknown> {
  const resource = callRecordResource(record);
  const head: Record<string, unknown> = {};
  if (context !== undefined) head['@odata.context'] = context;
  Object.assign(head, {
    version: resource['version'],
    type: resource['type'],
    modalities: resource['modalities'],
    lastModifiedDateTime: resource['lastModifiedDateTime'],
    startDateTime: resource['startDateTime'],
    endDateTime: resource['endDateTime'],
    id: resource['id'],
    joinWebUrl: resource['joinWebUrl'],
  });
  head['organizer_v2@odata.context'] = `${metadata}#communications/callRecords('${record.id}')/organizer_v2/$entity`;
  head['organizer_v2'] = resource['organizer_v2'];
  if (context !== undefined) head['participants_v2@odata.context'] = `${metadata}#communications/callRecords('${record.id}')/participants_v2/$entity`;
  return head;
}

/** A property whose value is JSON text already (a page of stored sessions or participants). */
export type RawProperty = readonly [name: string, json: string];

/**
 * Send `head` followed by `raw` properties, spliced as text: a large page of sessions is never parsed
 * and re-serialized (sendGraphJsonText: the same headers as sendGraphJson).
 */
export function sendWithRaw(request: FastifyRequest, reply: FastifyReply, head: Record<string, unknown>, raw: readonly RawProperty[], applied: string[]): FastifyReply {
  const headJson = JSON.stringify(head);
  const tail = raw.map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',');
  const text = tail === '' ? headJson : `${headJson.slice(0, -1)}${headJson.length > 2 ? ',' : ''}${tail}}`;
  return sendGraphJsonText(request, reply, 200, text, applied);
}

/** `[a,b,c]` from JSON texts. */
export const jsonArray = (items: readonly string[]): string => `[${items.join(',')}]`;

/** Nested query options Graph does not take inside these expansions. */
export function refuseNestedOptions(item: { name: string; filter?: unknown; top?: number; count?: boolean; options: Record<string, string> }): void {
  const extra = [item.filter !== undefined ? 'Filter' : undefined, item.top !== undefined ? 'Top' : undefined, item.count !== undefined ? 'Count' : undefined, ...Object.keys(item.options)].filter(
    (x): x is string => x !== undefined,
  );
  if (extra.length > 0) {
    throw badRequest(`The query specified in the URI is not valid. Query option '${extra[0]!.replace(/^./, (c) => c.toUpperCase())}' is not allowed inside $expand=${excerpt(item.name)}.`);
  }
}
