import type { MeetingLookup } from '../../domain/meetings.js';
import { badRequest } from '../../http/errors.js';
import { filterConditions, sameName, type FilterExpr } from '../../http/odata/filter.js';

const USER_PATH_FILTERS = "Use $filter=JoinWebUrl eq '{joinWebUrl}' or $filter=joinMeetingIdSettings/joinMeetingId eq '{joinMeetingId}'.";
const VTC_FILTER = "Use $filter=VideoTeleconferenceId eq '{videoTeleconferenceId}'.";

/** The filter a `{me}/onlineMeetings` or `/communications/onlineMeetings` list needs; Graph has no unfiltered list. */
export function missingFilter(communications: boolean): Error {
  return badRequest(`Filter expression expected. ${communications ? VTC_FILTER : USER_PATH_FILTERS}`);
}

/**
 * The documented $filter look-ups (onlinemeeting-get.md): JoinWebUrl and joinMeetingIdSettings/joinMeetingId
 * on `{me}` paths, VideoTeleconferenceId on `/communications`. Anything else is refused.
 */
export function lookupFrom(expr: FilterExpr, communications: boolean): MeetingLookup {
  const unsupported = `Filter expression is not supported. ${communications ? VTC_FILTER : USER_PATH_FILTERS}`;
  const conditions = filterConditions(expr, unsupported);
  const only = conditions.length === 1 ? conditions[0] : undefined;
  if (only !== undefined && only.op === 'eq' && typeof only.value === 'string') {
    const path = only.path.join('/');
    if (!communications && sameName(path, 'joinWebUrl')) return { by: 'joinWebUrl', value: only.value };
    if (!communications && sameName(path, 'joinMeetingIdSettings/joinMeetingId')) return { by: 'joinMeetingId', value: only.value };
    if (communications && sameName(path, 'videoTeleconferenceId')) return { by: 'videoTeleconferenceId', value: only.value };
  }
  throw badRequest(unsupported);
}
