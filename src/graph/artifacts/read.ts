import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectionOf, type ArtifactKind } from '../../domain/artifactResource.js';
import { findArtifact, pageArtifacts, type Artifact, type ArtifactScope } from '../../domain/artifacts.js';
import { badRequest, notFound } from '../../http/errors.js';
import { filterConditions, sameName, type FilterExpr } from '../../http/odata/filter.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { requestOrigin } from '../../http/requestContext.js';
import type { GraphServices } from '../graphServices.js';
import { contextUrl, selectedSet, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { checkContentAccess, meteredApi, type ArtifactOwner, type ArtifactParams } from './access.js';
import { sendStream } from './content.js';
import { artifactProperties, artifactTypeName, shapeArtifact } from './shape.js';
import { readToken, tamperedToken } from './stateTokens.js';

/**
 * Reading recordings and transcripts of an online meeting or an ad hoc call: the list, one item, and
 * its content streams. recordings/ and transcripts/ route each documented path to these.
 */

export type ArtifactRequest = FastifyRequest<{ Params: ArtifactParams }>;

/** Who a request's artifacts belong to: access.ts's meetingOwner or adhocOwner. */
export type OwnerLookup = (services: GraphServices, request: ArtifactRequest, kind: ArtifactKind) => Promise<ArtifactOwner>;

/** Teams platform doc "Use Graph APIs to fetch transcript": 10 a page by default, at most 100. */
const DEFAULT_PAGE = 10;
const MAX_PAGE = 100;
const TRANSCRIPT_FORMATS = ['text/vtt'] as const;

const FILTER_HELP = "Only $filter=contentCorrelationId eq '{id}' is supported.";

/** `$filter=contentCorrelationId eq '…'` (the property name in any case: Graph's own examples write `contentcorrelationId`). */
function correlationFilter(expr: FilterExpr | undefined): string | undefined {
  if (expr === undefined) return undefined;
  const [only, ...rest] = filterConditions(expr, FILTER_HELP);
  if (only === undefined || rest.length > 0 || only.op !== 'eq' || typeof only.value !== 'string' || only.path.length !== 1 || !sameName(only.path[0] ?? '', 'contentCorrelationId')) {
    throw badRequest(FILTER_HELP);
  }
  return only.value;
}

/** `users('{uid}')/onlineMeetings('{mid}')/recordings`, as Graph writes list and entity contexts. */
function ownerContext(owner: ArtifactOwner, kind: ArtifactKind): string {
  const parent = owner.meeting !== undefined ? `onlineMeetings('${owner.meeting.id}')` : `adhocCalls('${owner.adhocCall?.id ?? ''}')`;
  return `users('${owner.user.id}')/${parent}/${collectionOf(kind)}`;
}

function scopeOf(owner: ArtifactOwner, kind: ArtifactKind, contentCorrelationId: string | undefined): ArtifactScope {
  const correlation = contentCorrelationId === undefined ? {} : { contentCorrelationId };
  return owner.meeting !== undefined ? { by: 'meeting', kind, meetingId: owner.meeting.id, ...correlation } : { by: 'adhocCall', kind, adhocCallId: owner.adhocCall?.id ?? '', ...correlation };
}

/** `content`: the artifact whose content was downloaded; its length is what Microsoft bills by (usage.ts). */
function recordUsage(services: GraphServices, owner: ArtifactOwner, kind: ArtifactKind, content?: Artifact): void {
  if (owner.principal.kind !== 'application') return;
  const minutes = content === undefined ? 0 : Math.max(0, Date.parse(content.endDateTime) - Date.parse(content.createdDateTime)) / 60_000;
  services.usage.record(owner.principal.tenantId, owner.principal.clientId, meteredApi(kind, owner.adhocCall !== undefined), services.ctx.clock.now(), Number.isFinite(minutes) ? minutes : 0);
}

async function artifactOf(services: GraphServices, request: ArtifactRequest, owner: ArtifactOwner, kind: ArtifactKind): Promise<Artifact> {
  const id = (kind === 'recording' ? request.params.recordingId : request.params.transcriptId) ?? '';
  const artifact = await findArtifact(services.ctx, kind, id);
  const belongs = artifact !== undefined && (owner.meeting !== undefined ? artifact.meetingId === owner.meeting.id : artifact.adhocCallId === owner.adhocCall?.id);
  if (!belongs) throw notFound(`The ${kind === 'recording' ? 'callRecording' : 'callTranscript'} '${id}' was not found.`);
  return artifact;
}

/** GET …/recordings or …/transcripts: `$select`, `$filter=contentCorrelationId eq '…'`, `$top` with `$skiptoken` pages. */
export async function listArtifacts(request: ArtifactRequest, reply: FastifyReply, kind: ArtifactKind, ownerOf: OwnerLookup): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, {
    select: { properties: artifactProperties(kind), typeName: artifactTypeName(kind) },
    filter: true,
    top: { max: MAX_PAGE, min: 1 },
    skipToken: true,
    count: true,
  });
  const owner = await ownerOf(services, request, kind);
  const correlation = correlationFilter(options.filter);
  const scope = scopeOf(owner, kind, correlation);
  const scopeKey = owner.meeting?.id ?? owner.adhocCall?.id ?? '';
  let position = 0;
  let pageSize = Math.min(options.top ?? request.graphState.prefer?.maxPageSize ?? DEFAULT_PAGE, MAX_PAGE);
  if (options.skipToken !== undefined) {
    // Paging within one request's results: a token from another list (or altered) is refused.
    const state = await readToken(services, options.skipToken, () => `${requestOrigin(request)}${request.url.split('?')[0] ?? ''}`);
    if (state.query['scope'] !== scopeKey || state.query['kind'] !== kind || state.query['tenant'] !== owner.principal.tenantId) throw tamperedToken();
    position = state.position;
    pageSize = typeof state.query['top'] === 'number' ? state.query['top'] : pageSize;
  }
  const page = await pageArtifacts(services.ctx, scope, position, pageSize);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(request, selectedSet(ownerContext(owner, kind), options.select)) };
  body['@odata.count'] = page.items.length;
  if (options.select === undefined) {
    body['@microsoft.graph.tips'] =
      `Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET ${ownerContext(owner, kind).replace(`users('${owner.user.id}')`, 'me')}?$select=callId,content`;
  }
  const root = serviceRoot(request);
  body['value'] = page.items.map((a) => shapeArtifact(a, root, options.select));
  const last = page.items.at(-1);
  if (page.more && last !== undefined) {
    const token = await services.deltaTokens.sign({
      query: { scope: scopeKey, kind, tenant: owner.principal.tenantId, top: pageSize },
      position: last.feedSeq,
      delta: false,
      issuedAtMs: services.ctx.clock.nowMs(),
    });
    // The request's own query, less any old token, plus the new one (kept as the client wrote it: `$` unescaped).
    const [pathPart = '', queryPart = ''] = request.url.split('?');
    const kept = queryPart.split('&').filter((p) => p !== '' && !/^(%24|\$)?skiptoken=/i.test(p));
    body['@odata.nextLink'] = `${requestOrigin(request)}${pathPart}?${[...kept, `$skiptoken=${encodeURIComponent(token)}`].join('&')}`;
  }
  recordUsage(services, owner, kind);
  return sendGraphJson(request, reply, 200, body, options.top === undefined && request.graphState.prefer?.maxPageSize !== undefined ? [`odata.maxpagesize=${pageSize}`] : []);
}

/** GET …/recordings/{id} or …/transcripts/{id}, with `$select`. */
export async function getArtifact(request: ArtifactRequest, reply: FastifyReply, kind: ArtifactKind, ownerOf: OwnerLookup): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: artifactProperties(kind), typeName: artifactTypeName(kind) } });
  const owner = await ownerOf(services, request, kind);
  const artifact = await artifactOf(services, request, owner, kind);
  recordUsage(services, owner, kind);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `${selectedSet(ownerContext(owner, kind), options.select)}/$entity`),
    ...shapeArtifact(artifact, serviceRoot(request), options.select),
  });
}

/**
 * GET or HEAD …/{id}/content (and a transcript's …/metadataContent): the bytes, streamed. HEAD reaches
 * this same route (http/app.ts answerHeadWithGet); http/byteRanges.ts opens no stream for it.
 */
export async function sendArtifactContent(request: ArtifactRequest, reply: FastifyReply, kind: ArtifactKind, ownerOf: OwnerLookup, stream: 'content' | 'metadataContent'): Promise<FastifyReply> {
  const services = servicesOf(request);
  // Transcripts take `$format=text/vtt` (https://learn.microsoft.com/graph/api/calltranscript-get); anything else is Graph's "Invalid format".
  parseQueryOptions(request.query as QueryInput, kind === 'transcript' && stream === 'content' ? { format: TRANSCRIPT_FORMATS } : {});
  const owner = await ownerOf(services, request, kind);
  const artifact = await artifactOf(services, request, owner, kind);
  checkContentAccess(owner);
  const ref = stream === 'content' ? artifact.content : artifact.metadata;
  if (ref === null) throw notFound('This transcript has no metadata content.');
  recordUsage(services, owner, kind, stream === 'content' ? artifact : undefined);
  return sendStream(request, reply, services.blobs, ref, ref.contentType);
}
