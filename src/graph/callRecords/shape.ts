import { excerpt } from '../../runtime/excerpt.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callRecordResource, type CallRecord } from '../../domain/callRecords.js';
import { badRequest } from '../../http/errors.js';
import type { ExpandSpec } from '../../http/odata/expandValidation.js';
import { includeUnknownEnumMembers, sendGraphJsonBytes, sendGraphJsonText } from '../respond.js';

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

/**
 * A property whose value is JSON already: text, or UTF-8 pieces to be concatenated as they are (a
 * page of stored sessions or participants as the database wrote it, jsonArrayBytes).
 */
export type RawProperty = readonly [name: string, json: string | readonly Uint8Array[]];

const CLOSE_BRACE = Buffer.from('}');
const OPEN_BRACKET = Buffer.from('[');
const CLOSE_BRACKET = Buffer.from(']');
const COMMA = Buffer.from(',');

/**
 * Send `head` followed by `raw` properties, spliced as bytes: a large page of sessions is never
 * parsed, re-serialized or even decoded (sendGraphJsonBytes: the same headers as sendGraphJson).
 */
export function sendWithRaw(request: FastifyRequest, reply: FastifyReply, head: Record<string, unknown>, raw: readonly RawProperty[], applied: string[]): FastifyReply {
  const headJson = JSON.stringify(head);
  if (raw.length === 0) return sendGraphJsonText(request, reply, 200, headJson, applied);
  const parts: Uint8Array[] = [];
  let text = headJson.slice(0, -1);
  raw.forEach(([name, json], i) => {
    text += `${i > 0 || headJson.length > 2 ? ',' : ''}${JSON.stringify(name)}:`;
    if (typeof json === 'string') {
      text += json;
      return;
    }
    parts.push(Buffer.from(text), ...json);
    text = '';
  });
  parts.push(text === '' ? CLOSE_BRACE : Buffer.from(`${text}}`));
  return sendGraphJsonBytes(request, reply, 200, Buffer.concat(parts), applied);
}

/** `[a,b,c]` from JSON items in UTF-8, as pieces for sendWithRaw. */
export function jsonArrayBytes(items: readonly Uint8Array[]): Uint8Array[] {
  const pieces: Uint8Array[] = [OPEN_BRACKET];
  items.forEach((item, i) => {
    if (i > 0) pieces.push(COMMA);
    pieces.push(item);
  });
  pieces.push(CLOSE_BRACKET);
  return pieces;
}

const UNKNOWN_MEMBER = Buffer.from('azureCommunicationServices');

/** maskRecordJson for items in UTF-8: only an item holding the member is decoded to be rewritten. */
export function maskRecordBytes(request: FastifyRequest, items: readonly Uint8Array[]): readonly Uint8Array[] {
  if (includeUnknownEnumMembers(request)) return items;
  return items.map((item) => {
    const bytes = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
    return bytes.includes(UNKNOWN_MEMBER) ? Buffer.from(maskRecordJson(request, bytes.toString('utf8'))) : item;
  });
}

/** Nested query options Graph does not take inside these expansions. */
export function refuseNestedOptions(item: { name: string; filter?: unknown; top?: number; count?: boolean; options: Record<string, string> }): void {
  const extra = [item.filter !== undefined ? 'Filter' : undefined, item.top !== undefined ? 'Top' : undefined, item.count !== undefined ? 'Count' : undefined, ...Object.keys(item.options)].filter(
    (x): x is string => x !== undefined,
  );
  if (extra.length > 0) {
    throw badRequest(`The query specified in the URI is not valid. Query option '${extra[0]!.replace(/^./, (c) => c.toUpperCase())}' is not allowed inside $expand=${excerpt(item.name)}.`);
  }
}
