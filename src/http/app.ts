import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { DomainError } from '../domain/errors.js';
import { GraphError, graphErrorBody } from './errors.js';
import { injectedFault } from './faults.js';
import { normalizeODataPath } from './odata/keySyntax.js';
import './requestContext.js';

export interface TlsOptions {
  key: string;
  cert: string;
}

/** Graph's JSON content type (graph-semantics §d.2); SDKs only look for `application/json` in it. */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Localhost', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'graph-comms-emulator' },
});

const GRAPH_PREFIX = /^\/(v1\.0|beta)(\/|$)/i;
const VERSION_LIKE = /^\/(v\d+(\.\d+)?|alpha|stable)(\/|$)/i;

export const isGraphPath = (url: string): boolean => GRAPH_PREFIX.test(url);

/** Rewrite OData key syntax (`users('x')`) into plain segments before routing, for Graph paths only. */
export function rewriteGraphUrl(url: string): string {
  if (!isGraphPath(url)) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return normalizeODataPath(path) + (q === -1 ? '' : url.slice(q));
}

export function sendGraphError(request: FastifyRequest, reply: FastifyReply, err: GraphError, now: Date): FastifyReply {
  const ids = request.graphState ?? { requestId: randomUUID(), clientRequestId: randomUUID() };
  for (const [name, value] of Object.entries(err.headers)) void reply.header(name, value);
  return reply.code(err.status).type(GRAPH_JSON).send(graphErrorBody(err, ids, now));
}

/** Map any error to Graph's shape: ours keep their status; framework errors become 4xx; the rest 500. */
export function toGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  if (err instanceof DomainError) {
    const status = err.kind === 'notFound' ? 404 : err.kind === 'conflict' ? 409 : 400;
    const code = err.kind === 'notFound' ? 'NotFound' : err.kind === 'conflict' ? 'Conflict' : 'BadRequest';
    return new GraphError(status, code, err.message);
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new GraphError(415, 'UnsupportedMediaType', `Content type '${String((err as { contentType?: string }).contentType ?? '')}' is not supported.`);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new GraphError(413, 'RequestEntityTooLarge', 'The request body is too large.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
      default:
        if (fe.validation !== undefined) return new GraphError(400, 'BadRequest', fe.message ?? 'Invalid request.');
        if (err instanceof SyntaxError) {
          return new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        }
        return new GraphError(fe.statusCode, fe.statusCode === 404 ? 'NotFound' : 'BadRequest', fe.message ?? 'Invalid request.');
    }
  }
  return new GraphError(500, 'generalException', 'An internal server error occurred while processing the request.');
}

export async function buildApp(services: Services, tls: TlsOptions | undefined): Promise<FastifyInstance> {
  const { config, faults } = services;
  const app = Fastify({
    ...(tls !== undefined ? { https: { key: tls.key, cert: tls.cert } } : {}),
    logger: { level: config.logLevel },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    rewriteUrl: (req) => rewriteGraphUrl(req.url ?? '/'),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2000 },
    return503OnClosing: true,
    forceCloseConnections: true,
  });

  app.decorateRequest('graphState', null as unknown as FastifyRequest['graphState']);
  await app.register(formbody);
  // Graph accepts JSON sent as text/plain by some clients; everything else JSON-like is parsed as JSON.
  app.addContentTypeParser(/^application\/[a-z.+-]*json/i, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onRequest', async (request, reply) => {
    const requestId = randomUUID();
    const clientHeader = request.headers['client-request-id'];
    const clientRequestId = typeof clientHeader === 'string' && clientHeader.length > 0 && clientHeader.length <= 200 ? clientHeader : requestId;
    request.graphState = { requestId, clientRequestId };
    void reply.headers({
      'request-id': requestId,
      'client-request-id': clientRequestId,
      'x-ms-ags-diagnostic': AGS_DIAGNOSTIC,
      ...(config.protocol === 'https' ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    });
    if (request.url.startsWith('/_emulator')) return;
    const fault = await injectedFault(faults, request.method, request.url);
    if (fault !== undefined) return sendGraphError(request, reply, fault, services.ctx.clock.now());
  });

  app.setErrorHandler((err, request, reply) => {
    const graphErr = toGraphError(err);
    if (graphErr.status >= 500) request.log.error({ err }, 'request failed');
    return sendGraphError(request, reply, graphErr, services.ctx.clock.now());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isGraphPath(path)) {
      return sendGraphError(
        request,
        reply,
        new GraphError(501, 'NotImplemented', `This operation target is not yet supported: ${request.method} ${path} is not emulated by graph-comms-emulator.`),
        services.ctx.clock.now(),
      );
    }
    if (VERSION_LIKE.test(path)) {
      const version = path.split('/')[1] ?? '';
      return sendGraphError(request, reply, new GraphError(400, 'BadRequest', `Invalid version: ${version}`), services.ctx.clock.now());
    }
    return sendGraphError(request, reply, new GraphError(404, 'NotFound', `No such endpoint: ${request.method} ${path}. Graph calls start with /v1.0 or /beta; see GET /_emulator/openapi.json.`), services.ctx.clock.now());
  });

  return app;
}
