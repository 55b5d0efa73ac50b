import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectionOf, type ArtifactKind } from '../../domain/artifactResource.js';
import { findArtifact, pageArtifacts, type Artifact, type ArtifactScope } from '../../domain/artifacts.js';
import { badRequest, notFound } from '../../http/errors.js';
import { filterConditions, sameName, type FilterExpr } from '../../http/odata/filter.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { originOf } from '../../http/requestContext.js';
import type { Services } from '../../services.js';
import { contextUrl, selectedSet, sendGraphJson, serviceRoot } from '../respond.js';
import { adhocOwner, checkContentAccess, meetingOwner, meteredApi, type ArtifactOwner, type ArtifactParams } from './access.js';
import { sendStream } from './content.js';
import { artifactProperties, artifactTypeName, shapeArtifact } from './shape.js';
import { readToken, tamperedToken } from './stateTokens.js';

type Req = FastifyRequest<{ Params: ArtifactParams }>;

/** Teams platform doc "Use Graph APIs to fetch transcript": 10 a page by default, at most 100. */
const DEFAULT_PAGE = 10;
const MAX_PAGE = 100;
const TRANSCRIPT_FORMATS = ['text/vtt'] as const;

const FILTER_HELP = "Only $filter=contentCorrelationId eq '{id}' is supported.";

/** `$filter=contentCorrelationId eq '…'` (the property name in any case: S1 ex.3 writes `contentcorrelationId`). */
function correlationFilter(expr: FilterExpr | undefined): string | undefined {
  if (expr === undefined) return undefined;
  const [only, ...rest] = filterConditions(expr, FILTER_HELP);
  if (only === undefined || rest.length > 0 || only.op !== 'eq' || typeof only.value !== 'string' || only.path.length !== 1 || !sameName(only.path[0] ?? '', 'contentCorrelationId')) {
    throw badRequest(FILTER_HELP);
  }
  return only.value;
}

/** `users('{uid}')/onlineMeetings('{mid}')/recordings`, as the seeds write list and entity contexts. */
function ownerContext(owner: ArtifactOwner, kind: ArtifactKind): string {
  const parent = owner.meeting !== undefined ? `onlineMeetings('${owner.meeting.id}')` : `adhocCalls('${owner.adhocCall?.id ?? ''}')`;
  return `users('${owner.user.id}')/${parent}/${collectionOf(kind)}`;
}

function scopeOf(owner: ArtifactOwner, kind: ArtifactKind, contentCorrelationId: string | undefined): ArtifactScope {
  const correlation = contentCorrelationId === undefined ? {} : { contentCorrelationId };
  return owner.meeting !== undefined
    ? { by: 'meeting', kind, meetingId: owner.meeting.id, ...correlation }
    : { by: 'adhocCall', kind, adhocCallId: owner.adhocCall?.id ?? '', ...correlation };
}

function recordUsage(services: Services, owner: ArtifactOwner, kind: ArtifactKind): void {
  if (owner.principal.kind !== 'application') return;
  services.usage.record(owner.principal.tenantId, owner.principal.clientId, meteredApi(kind, owner.adhocCall !== undefined), services.ctx.clock.now());
}

export function registerMeetingArtifactRoutes(app: FastifyInstance, services: Services): void {
  const root = (request: Req): string => serviceRoot(request, services.config.publicUrl);

  const ownerOf = (request: Req, kind: ArtifactKind, adhoc: boolean): Promise<ArtifactOwner> =>
    adhoc ? adhocOwner(services, request, kind) : meetingOwner(services, request, kind);

  async function artifactOf(request: Req, owner: ArtifactOwner, kind: ArtifactKind): Promise<Artifact> {
    const id = request.params.artifactId ?? '';
    const artifact = await findArtifact(services.ctx, kind, id);
    const belongs = artifact !== undefined && (owner.meeting !== undefined ? artifact.meetingId === owner.meeting.id : artifact.adhocCallId === owner.adhocCall?.id);
    if (!belongs) throw notFound(`The ${kind === 'recording' ? 'callRecording' : 'callTranscript'} '${id}' was not found.`);
    return artifact;
  }

  const list = (kind: ArtifactKind, adhoc: boolean) => async (request: Req, reply: FastifyReply) => {
    const options = parseQueryOptions(request.query as QueryInput, {
      select: { properties: artifactProperties(kind), typeName: artifactTypeName(kind) },
      filter: true,
      top: { max: MAX_PAGE, min: 1 },
      skipToken: true,
      count: true,
    });
    const owner = await ownerOf(request, kind, adhoc);
    const correlation = correlationFilter(options.filter);
    const scope = scopeOf(owner, kind, correlation);
    const scopeKey = owner.meeting?.id ?? owner.adhocCall?.id ?? '';
    let position = 0;
    let pageSize = Math.min(options.top ?? request.graphState.prefer?.maxPageSize ?? DEFAULT_PAGE, MAX_PAGE);
    if (options.skipToken !== undefined) {
      // Paging within one request's results: a token from another list (or altered) is refused.
      const state = await readToken(services, options.skipToken, () => `${originOf(request, services.config.publicUrl)}${request.url.split('?')[0] ?? ''}`);
      if (state.query['scope'] !== scopeKey || state.query['kind'] !== kind || state.query['tenant'] !== owner.principal.tenantId) throw tamperedToken();
      position = state.position;
      pageSize = typeof state.query['top'] === 'number' ? state.query['top'] : pageSize;
    }
    const page = await pageArtifacts(services.ctx, scope, position, pageSize);
    const body: Record<string, unknown> = { '@odata.context': contextUrl(request, services.config.publicUrl, selectedSet(ownerContext(owner, kind), options.select)) };
    body['@odata.count'] = page.items.length;
    if (options.select === undefined) {
      body['@microsoft.graph.tips'] = `Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET ${ownerContext(owner, kind).replace(`users('${owner.user.id}')`, 'me')}?$select=callId,content`;
    }
    body['value'] = page.items.map((a) => shapeArtifact(a, root(request), options.select));
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
      body['@odata.nextLink'] = `${originOf(request, services.config.publicUrl)}${pathPart}?${[...kept, `$skiptoken=${encodeURIComponent(token)}`].join('&')}`;
    }
    recordUsage(services, owner, kind);
    return sendGraphJson(request, reply, 200, body, options.top === undefined && request.graphState.prefer?.maxPageSize !== undefined ? [`odata.maxpagesize=${pageSize}`] : []);
  };

  const get = (kind: ArtifactKind, adhoc: boolean) => async (request: Req, reply: FastifyReply) => {
    const options = parseQueryOptions(request.query as QueryInput, { select: { properties: artifactProperties(kind), typeName: artifactTypeName(kind) } });
    const owner = await ownerOf(request, kind, adhoc);
    const artifact = await artifactOf(request, owner, kind);
    recordUsage(services, owner, kind);
    return sendGraphJson(request, reply, 200, {
      '@odata.context': contextUrl(request, services.config.publicUrl, `${selectedSet(ownerContext(owner, kind), options.select)}/$entity`),
      ...shapeArtifact(artifact, root(request), options.select),
    });
  };

  const content = (kind: ArtifactKind, adhoc: boolean, stream: 'content' | 'metadataContent') => async (request: Req, reply: FastifyReply) => {
    // Transcripts take `$format=text/vtt` (calltranscript-get.md); anything else is Graph's "Invalid format".
    parseQueryOptions(request.query as QueryInput, kind === 'transcript' && stream === 'content' ? { format: TRANSCRIPT_FORMATS } : {});
    const owner = await ownerOf(request, kind, adhoc);
    const artifact = await artifactOf(request, owner, kind);
    checkContentAccess(owner);
    const ref = stream === 'content' ? artifact.content : artifact.metadata;
    if (ref === null) throw notFound('This transcript has no metadata content.');
    recordUsage(services, owner, kind);
    return sendStream(request, reply, services.blobs, ref, ref.contentType);
  };

  const bases: Array<[string, boolean]> = [
    ['/me/onlineMeetings/:meetingId', false],
    ['/users/:userId/onlineMeetings/:meetingId', false],
    ['/me/adhocCalls/:adhocCallId', true],
    ['/users/:userId/adhocCalls/:adhocCallId', true],
  ];
  for (const [base, adhoc] of bases) {
    for (const kind of ['recording', 'transcript'] as const) {
      const collection = `${base}/${collectionOf(kind)}`;
      app.get(collection, list(kind, adhoc));
      app.get(`${collection}/:artifactId`, get(kind, adhoc));
      // HEAD first: Fastify's automatic HEAD would run the GET and read the whole stream to measure it.
      for (const stream of kind === 'transcript' ? (['content', 'metadataContent'] as const) : (['content'] as const)) {
        app.head(`${collection}/:artifactId/${stream}`, content(kind, adhoc, stream));
        app.get(`${collection}/:artifactId/${stream}`, content(kind, adhoc, stream));
      }
    }
  }
}
