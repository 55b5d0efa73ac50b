import { excerpt } from '../../runtime/excerpt.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALL_PERMISSIONS } from '../../domain/callPermissions.js';
import { listPstnCalls, type PstnKind } from '../../domain/pstnCalls.js';
import { badRequest } from '../../http/errors.js';
import { parseDateTimeOffset } from '../../http/odata/datetime.js';
import { resolveFunctionParams, type FunctionCall } from '../../http/odata/keySyntax.js';
import { canonicalName } from '../../http/odata/names.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, sendGraphJson, serviceRoot } from '../respond.js';

/** Rows per page: "more than 1,000 entries … includes an @odata.nextLink" (https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstncalls). */
const PAGE = 1000;
/** The longest window one call may ask for: "cannot be more than a date range of 90 days" (https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstncalls). */
const MAX_WINDOW_MS = 90 * 86_400_000;

const FUNCTIONS: Readonly<Record<string, { kind: PstnKind; row: string }>> = {
  getPstnCalls: { kind: 'pstn', row: 'microsoft.graph.callRecords.pstnCallLogRow' },
  getDirectRoutingCalls: { kind: 'directRouting', row: 'microsoft.graph.callRecords.directRoutingLogRow' },
};

/** A date (`2019-11-01`, read as midnight UTC) or a DateTimeOffset. */
function instant(text: string | undefined, name: string, fn: string): Date {
  if (text === undefined || text === '') throw badRequest(`The parameter '${name}' is required for function '${fn}'.`);
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDateTimeOffset(`${text}T00:00:00Z`) : parseDateTimeOffset(text);
  if (value === null) throw badRequest(`The parameter '${name}' of function '${fn}' is not a valid Edm.DateTimeOffset: '${excerpt(text)}'.`);
  return value;
}

/** The function's name without its namespace (`microsoft.graph.` is already gone; `callRecords.` may remain). */
const bareName = (call: FunctionCall): string | undefined => canonicalName(Object.keys(FUNCTIONS), call.name.replace(/^callRecords\./i, ''));

export const isPstnFunction = (call: FunctionCall): boolean => bareName(call) !== undefined;

/**
 * GET /communications/callRecords/getPstnCalls(fromDateTime=…,toDateTime=…) and getDirectRoutingCalls(…)
 * (https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstncalls).
 */
export async function getPstnLog(services: GraphServices, request: FastifyRequest, reply: FastifyReply, call: FunctionCall, segment: string): Promise<FastifyReply> {
  const name = bareName(call) ?? call.name;
  const fn = FUNCTIONS[name]!;
  const options = parseQueryOptions(request.query as QueryInput, { top: { max: PAGE, min: 1 }, skip: true, count: true });
  await authorize(services, request, fn.kind === 'pstn' ? CALL_PERMISSIONS.pstnCallsRead : CALL_PERMISSIONS.directRoutingCallsRead);
  const params = resolveFunctionParams(call.params, request.query as QueryInput);
  const known = ['fromDateTime', 'toDateTime'];
  for (const key of Object.keys(params)) {
    if (canonicalName(known, key) === undefined) throw badRequest(`The parameter '${excerpt(key)}' is not defined for function '${excerpt(name)}'.`);
  }
  const param = (want: string): string | undefined => params[Object.keys(params).find((k) => canonicalName([want], k) !== undefined) ?? ''];
  const from = instant(param('fromDateTime'), 'fromDateTime', name);
  const to = instant(param('toDateTime'), 'toDateTime', name);
  if (to.getTime() <= from.getTime()) throw badRequest('toDateTime must be later than fromDateTime.');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw badRequest('The time range between fromDateTime and toDateTime cannot exceed 90 days.');

  // The docs' example pages by $skip, and counts the rows on the page in @odata.count ("1000 … in this first response").
  const offset = options.skip ?? 0;
  const size = options.top ?? PAGE;
  const page = await listPstnCalls(services.ctx, principalOf(request).tenantId, fn.kind, from.toISOString(), to.toISOString(), offset, size);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request, `Collection(${fn.row})`),
    '@odata.count': page.items.length,
    value: page.items,
  };
  if (page.more) {
    // Parameter aliases (`getPstnCalls(fromDateTime=@from,…)?@from=…`, as Kiota sends them) go along.
    const aliases = Object.entries(options.other)
      .filter(([k]) => k.startsWith('@'))
      .map(([k, v]) => `&@${encodeURIComponent(k.slice(1))}=${encodeURIComponent(v)}`);
    const top = options.top === undefined ? '' : `&$top=${size}`;
    body['@odata.nextLink'] = `${serviceRoot(request)}/communications/callRecords/${segment}?$skip=${offset + size}${top}${aliases.join('')}`;
  }
  return sendGraphJson(request, reply, 200, body);
}
