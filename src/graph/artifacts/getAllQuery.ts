import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../../http/errors.js';
import { parseDateTimeOffset } from '../../http/odata/datetime.js';
import { filterConditions, sameName, type FilterExpr } from '../../http/odata/filter.js';
import { parseFunctionCall, resolveFunctionParams } from '../../http/odata/keySyntax.js';
import type { QueryInput } from '../../http/odata/queryOptions.js';

/** What a getAllRecordings / getAllTranscripts round is about (CSDL: all three parameters optional). */
export interface GetAllQuery {
  organizerId: string;
  /** ISO instants: artifacts created at or after start, at or before end. */
  start: string | null;
  end: string | null;
  /** The page size the round was started with, kept in its tokens. */
  top: number | null;
}

/** The meeting functions name the organizer `meetingOrganizerUserId`; the ad hoc ones `userId` (adhoccall-getallrecordings). */
export type OrganizerParam = 'meetingOrganizerUserId' | 'userId';

const missingOrganizer = (name: OrganizerParam): string =>
  name === 'userId'
    ? "The function parameter 'userId' is required: call getAllRecordings(userId='{userId}')."
    : "The function parameter 'meetingOrganizerUserId' is required: call getAllRecordings(meetingOrganizerUserId='{userId}') or filter with $filter=MeetingOrganizer/User/Id eq '{userId}'.";

/** The raw (still percent-encoded) `name(...)` segment of the request path, or `name` when called without parentheses. */
export function functionSegment(url: string, name: string): string {
  const path = url.split('?')[0] ?? '';
  const lower = name.toLowerCase();
  for (const segment of path.split('/')) {
    const folded = segment.toLowerCase();
    if (folded === lower || folded.startsWith(`${lower}(`) || folded.startsWith(`microsoft.graph.${lower}(`)) return segment;
  }
  return name;
}

function dateParam(name: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  // In a query string (Kiota's alias form) an unencoded `+05:00` arrives as ` 05:00`.
  const text = value.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const parsed = parseDateTimeOffset(text);
  if (parsed === null) throw badRequest(`The parameter '${name}' has an invalid value: cannot convert the literal '${excerpt(value)}' to the expected type 'Edm.DateTimeOffset'.`);
  return parsed.toISOString();
}

/** `$filter=MeetingOrganizer/User/Id eq '{id}'`: the documented alternative to the parameter. */
function organizerFromFilter(filter: FilterExpr): string {
  const help = "Only $filter=MeetingOrganizer/User/Id eq '{userId}' is supported on this function.";
  const [only, ...rest] = filterConditions(filter, help);
  const path = only?.path ?? [];
  const isOrganizer = path.length === 3 && sameName(path[0] ?? '', 'meetingOrganizer') && sameName(path[1] ?? '', 'user') && sameName(path[2] ?? '', 'id');
  if (only === undefined || rest.length > 0 || only.op !== 'eq' || typeof only.value !== 'string' || !isOrganizer) throw badRequest(help);
  return only.value;
}

/** Read the function's parameters: in the parentheses, as `@alias` placeholders filled from the query string, or both. */
export function parseGetAllQuery(segment: string, query: QueryInput, filter: FilterExpr | undefined, organizerName: OrganizerParam = 'meetingOrganizerUserId'): GetAllQuery {
  const PARAMS = [organizerName, 'startDateTime', 'endDateTime'];
  const call = parseFunctionCall(segment);
  const raw = call?.params ?? {};
  const functionName = call?.name ?? segment;
  for (const name of Object.keys(raw)) {
    if (!PARAMS.some((p) => sameName(p, name))) throw badRequest(`'${excerpt(name)}' is not a parameter of the function '${excerpt(functionName)}'.`);
  }
  const resolved = resolveFunctionParams(raw, query);
  const param = (name: string): string | undefined => {
    const key = Object.keys(resolved).find((k) => sameName(k, name));
    return key === undefined ? undefined : resolved[key];
  };
  let organizerId = param(organizerName);
  if (filter !== undefined) {
    const fromFilter = organizerFromFilter(filter);
    if (organizerId !== undefined && organizerId !== '' && organizerId !== fromFilter) throw badRequest('meetingOrganizerUserId and the $filter name different organizers.');
    organizerId = fromFilter;
  }
  if (organizerId === undefined || organizerId.trim() === '') throw badRequest(missingOrganizer(organizerName));
  const start = dateParam('startDateTime', param('startDateTime'));
  const end = dateParam('endDateTime', param('endDateTime'));
  if (start !== null && end !== null && end < start) throw badRequest("The parameter 'endDateTime' must not be before 'startDateTime'.");
  return { organizerId: organizerId.trim(), start, end, top: null };
}
