import type { FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS, type PermissionRule } from '../../domain/permissions.js';
import type { ArtifactKind } from '../../domain/artifactResource.js';
import { lastArtifactSeq, type ArtifactScope } from '../../domain/artifacts.js';
import type { TokenState } from '../../domain/stateTokens.js';
import { meetingExpiryCutoff } from '../../domain/meetings.js';
import { forbidden, notFound } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput, type QueryOptionSpec } from '../../http/odata/queryOptions.js';
import { requestOrigin } from '../../http/requestContext.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { contextUrl, sendGraphJsonBytes, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { cachedAppAllowedForUser, cachedUser, someMeetingMayHaveEndedBefore } from '../cachedReads.js';
import { meteredApi } from './access.js';
import { functionSegment, parseGetAllQuery, type GetAllQuery } from './getAllQuery.js';
import { pageBody } from './pageBody.js';
import { readNextPageAhead, readPage } from './pageReadAhead.js';
import { readToken, resyncRequired, tamperedToken } from './stateTokens.js';

/**
 * getAllRecordings and getAllTranscripts, and their delta: an organizer's artifacts across meetings
 * (https://learn.microsoft.com/graph/api/onlinemeeting-getallrecordings,
 * https://learn.microsoft.com/graph/api/callrecording-delta), or across the ad hoc calls a user
 * initiated (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings, the same functions bound
 * to Collection(adhocCall), with ChangeTracking in the CSDL). getAllRecordings/ and getAllTranscripts/ route to these.
 */

/** The collection the function is bound to: `{me}/onlineMeetings/getAll…` or `{me}/adhocCalls/getAll…`. */
export type GetAllBinding = 'onlineMeetings' | 'adhocCalls';

/** `:args` is the function's parenthesised parameter list when the path calls it with `(…)` (see plugin.ts). */
export type GetAllRequest = FastifyRequest<{ Params: { userId?: string; args?: string } }>;

/** Page size when the client names none, and the most a page holds ($top or odata.maxpagesize above it is capped). */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1_000;

const FUNCTION_NAME: Record<ArtifactKind, string> = { recording: 'getAllRecordings', transcript: 'getAllTranscripts' };

/** `getAllRecordings(meetingOrganizerUserId='…',startDateTime=…,endDateTime=…)` as Graph writes it in links (https://learn.microsoft.com/graph/api/onlinemeeting-getallrecordings). */
function functionCall(kind: ArtifactKind, q: GetAllQuery, binding: GetAllBinding): string {
  const params = [`${organizerParam(binding)}='${q.organizerId}'`];
  if (q.start !== null) params.push(`startDateTime=${q.start}`);
  if (q.end !== null) params.push(`endDateTime=${q.end}`);
  return `${FUNCTION_NAME[kind]}(${params.join(',')})`;
}

/** The round's first URL, for links and the 410's Location (Graph's examples write `users({id})`). */
const roundUrl = (root: string, pathUserId: string, kind: ArtifactKind, q: GetAllQuery, delta: boolean, binding: GetAllBinding): string =>
  `${root}/users(${pathUserId})/${binding}/${functionCall(kind, q, binding)}${delta ? '/delta' : ''}`;

/** The ad hoc functions take the initiator as `userId` (adhoccall-getallrecordings); the meeting ones as `meetingOrganizerUserId`. */
const organizerParam = (binding: GetAllBinding): 'meetingOrganizerUserId' | 'userId' => (binding === 'adhocCalls' ? 'userId' : 'meetingOrganizerUserId');

function permissionOf(kind: ArtifactKind, binding: GetAllBinding): PermissionRule {
  if (binding === 'adhocCalls') return kind === 'recording' ? PERMISSIONS.adhocRecordingGetAll : PERMISSIONS.adhocTranscriptGetAll;
  return kind === 'recording' ? PERMISSIONS.recordingGetAll : PERMISSIONS.transcriptGetAll;
}

function queryFromToken(state: TokenState, binding: GetAllBinding): GetAllQuery | undefined {
  const { organizer, start, end, top, tenant, pathUser } = state.query;
  if (typeof organizer !== 'string' || typeof tenant !== 'string' || typeof pathUser !== 'string') return undefined;
  // Tokens issued before ad hoc calls had these functions name no binding: they were onlineMeetings tokens.
  if ((state.query['binding'] ?? 'onlineMeetings') !== binding) return undefined;
  return {
    organizerId: organizer,
    start: typeof start === 'string' ? start : null,
    end: typeof end === 'string' ? end : null,
    top: typeof top === 'number' ? top : null,
  };
}

/**
 * One page of a getAllRecordings / getAllTranscripts round (`delta`: of its /delta form). Without `(…)` after
 * the function name, a `:args` route matched some other name that starts like it (`getAllRecordingsX`):
 * that is a meeting id, which no meeting has.
 */
export async function sendGetAllPage(request: GetAllRequest, reply: FastifyReply, kind: ArtifactKind, delta: boolean, binding: GetAllBinding = 'onlineMeetings'): Promise<FastifyReply> {
  const args = request.params.args;
  const adhoc = binding === 'adhocCalls';
  // The raw segment: a malformed percent-escape in it must not throw.
  if (args !== undefined && !args.startsWith('(')) throw notFound(`The ${adhoc ? 'adhocCall' : 'onlineMeeting'} '${request.url.split('?')[0]?.split('/').at(-1) ?? ''}' was not found for this user.`);
  const services = servicesOf(request);
  const principal = principalOf(request);
  // The $filter form of the organizer is documented for the meeting functions only.
  const spec: QueryOptionSpec = { top: { max: MAX_PAGE, min: 1 }, skipToken: true, count: true, ...(adhoc ? {} : { filter: true as const }) };
  if (delta) spec.deltaToken = true;
  const options = parseQueryOptions(request.query as QueryInput, spec);
  const user = await resolvePathUser(services, request, request.params.userId);
  await authorize(services, request, permissionOf(kind, binding), { userId: user.id });
  const root = serviceRoot(request);
  // Where a resync starts: the round's first URL, with an empty $deltatoken (delta only; https://learn.microsoft.com/graph/delta-query-overview).
  const restart = delta ? '?$deltatoken=' : '';
  // One instant for the whole page: the token's age, which meetings have expired, the new token's issue.
  const nowMs = services.ctx.clock.nowMs();

  // A token (skip or delta, any spelling) carries the round's query; otherwise the URL does.
  const token = options.skipToken ?? (options.deltaToken !== '' ? options.deltaToken : undefined);
  let query: GetAllQuery;
  let position = 0;
  if (token !== undefined) {
    const fallback = (): string => `${requestOrigin(request)}${request.url.split('?')[0] ?? ''}${restart}`;
    const state = await readToken(
      services,
      token,
      (s) => {
        const q = s === undefined ? undefined : queryFromToken(s, binding);
        return q === undefined ? fallback() : `${roundUrl(root, user.id, kind, q, delta, binding)}${restart}`;
      },
      nowMs,
    );
    const fromToken = queryFromToken(state, binding);
    if (fromToken === undefined || state.query['tenant'] !== principal.tenantId || state.query['kind'] !== kind) throw tamperedToken();
    query = fromToken;
    position = state.position;
  } else {
    query = parseGetAllQuery(functionSegment(request.url, FUNCTION_NAME[kind]), request.query as QueryInput, options.filter, organizerParam(binding));
  }

  const organizer = await cachedUser(services, principal.tenantId, query.organizerId);
  if (organizer === undefined) {
    throw notFound(`Resource '${query.organizerId}' does not exist or one of its queried reference-property objects are not present.`, 'Request_ResourceNotFound');
  }
  // The organizer's artifacts are the organizer's: the app needs a policy for them too, not only for the path user.
  // (Ad hoc call artifacts need no application access policy: adhoccall-getallrecordings names none.)
  if (!adhoc && organizer.id !== user.id && !(await cachedAppAllowedForUser(services, principal.tenantId, principal.clientId, organizer.id))) {
    throw forbidden('No application access policy found for this app.');
  }
  // Expired meetings' artifacts leave the list and the delta (no `@removed`: these functions' delta
  // reports additions only, https://learn.microsoft.com/graph/api/callrecording-delta), so every item
  // listed can be read and downloaded (https://learn.microsoft.com/graph/api/callrecording-get).
  // While no meeting has expired (known here from the cache), the page's SQL tests no meeting at all.
  const cutoff = meetingExpiryCutoff(nowMs);
  const expiring = !adhoc && (await someMeetingMayHaveEndedBefore(services, cutoff));
  const scope: Extract<ArtifactScope, { by: 'organizer' }> = {
    by: 'organizer',
    kind,
    tenantId: principal.tenantId,
    organizerId: organizer.id,
    start: query.start,
    end: query.end,
    adhoc,
    ...(expiring ? { meetingsEndedSince: cutoff } : {}),
  };
  const prefer = request.graphState.prefer?.maxPageSize;
  const pageSize = Math.min(options.top ?? query.top ?? prefer ?? DEFAULT_PAGE, MAX_PAGE);
  const reads = services.store.reads;
  const page = await readPage(services.ctx, reads, scope, position, pageSize, root);
  // A row after the token's position shows it is not past the store's end, so only an empty page asks.
  if (page.count === 0 && position > 0 && position > (await lastArtifactSeq(services.ctx, scope))) {
    // The store was emptied since the token was issued: what it points at is gone.
    throw resyncRequired(`${roundUrl(root, user.id, kind, query, delta, binding)}${restart}`);
  }
  const next = page.lastSeq ?? position;
  const signed = await services.deltaTokens.sign({
    query: {
      kind,
      tenant: principal.tenantId,
      pathUser: user.id,
      organizer: organizer.id,
      start: query.start,
      end: query.end,
      top: options.top ?? query.top ?? prefer ?? null,
      ...(adhoc ? { binding } : {}),
    },
    position: next,
    delta: !page.more,
    issuedAtMs: nowMs,
  });
  const base = roundUrl(root, user.id, kind, query, delta, binding);
  // The ad hoc examples (adhoccall-getallrecordings) give the context as the user's adhocCalls.
  const context = adhoc ? `users('${user.id}')/adhocCalls` : `Collection(${kind === 'recording' ? 'callRecording' : 'callTranscript'})`;
  const head: Record<string, unknown> = { '@odata.context': contextUrl(request, context) };
  // Both links carry `skipToken=` in Graph's examples (https://learn.microsoft.com/graph/api/callrecording-delta); the token itself knows which kind it is.
  if (page.more) head['@odata.nextLink'] = `${base}?skipToken=${encodeURIComponent(signed)}`;
  else if (delta) head['@odata.deltaLink'] = `${base}?skipToken=${encodeURIComponent(signed)}`;
  head['@odata.count'] = page.count;
  if (principal.kind === 'application') services.usage.record(principal.tenantId, principal.clientId, meteredApi(kind, adhoc), services.ctx.clock.now());
  const applied = options.top === undefined && prefer !== undefined ? [`odata.maxpagesize=${pageSize}`] : [];
  // Each item is its resource JSON (links under this request's root) with @odata.type in front, as
  // bytes the database wrote: the body is their Buffer, the head and the closing brackets written around them.
  const sent = sendGraphJsonBytes(request, reply, 200, pageBody(`${JSON.stringify(head).slice(0, -1)},"value":[`, page.items), applied);
  // A request that follows a link is a client paging through the round: read its next page meanwhile.
  if (token !== undefined) readNextPageAhead(services.ctx, reads, scope, page, pageSize, root);
  return sent;
}
