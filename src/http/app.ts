import { excerpt } from '../runtime/excerpt.js';
import { GRAPH_JSON } from './mediaTypes.js';
import Fastify, { LogController, type FastifyBodyParser, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type HTTPMethods } from 'fastify';
import formbody from '@fastify/formbody';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Services } from '../services.js';
import { DomainError } from '../runtime/errors.js';
import { jsonNestsDeeperThan } from '../runtime/jsonDepth.js';
import { GraphError, graphErrorBody, methodNotAllowed, notImplemented, storeDataError, storeSpaceError, unsupportedMediaType } from './errors.js';
import { GraphErrors } from './errorCatalogue.js';
import { injectedFault } from './faults.js';
import { lazySchemaController } from './lazySchemaCompilers.js';
import { normalizeODataPath } from './odata/keySyntax.js';
import { logOptions, logRequest, REQUEST_LOG_LEVELS } from './requestLog.js';
import { hostRefusal, type HostAllowance } from './hostCheck.js';
import { isUntrustedCertificateAlert, handshakeHangupMessage, untrustedCaMessage } from './trust.js';
import './requestContext.js';

export interface TlsOptions {
  key: string;
  cert: string;
}

const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Localhost', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'graph-comms-emulator' },
});

const GRAPH_PREFIX = /^\/(v1\.0|beta)(\/|\?|$)/i;
const VERSION_LIKE = /^\/(v\d+(\.\d+)?|alpha|stable)(\/|$)/i;
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ROUTABLE_METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

export const isGraphPath = (url: string): boolean => GRAPH_PREFIX.test(url);

const pathOf = (url: string): string => url.split('?')[0] ?? '/';

/** Rewrite OData key syntax (`users('x')`) into plain segments before routing, for Graph paths only. */
export function rewriteGraphUrl(url: string): string {
  if (!isGraphPath(url)) return url;
  try {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    return normalizeODataPath(path) + (q === -1 ? '' : url.slice(q));
  } catch {
    // Routing then fails on the raw form, which ends in a Graph-shaped 4xx/501 rather than a crash.
    return url;
  }
}

/**
 * request-id / client-request-id for this request: client-request-id echoed, else = request-id
 * (https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support).
 */
function assignRequestIds(request: FastifyRequest, reply: FastifyReply): void {
  if (request.graphState !== null && request.graphState !== undefined) return;
  const requestId = randomUUID();
  const clientHeader = request.headers['client-request-id'];
  const clientRequestId = typeof clientHeader === 'string' && clientHeader.length > 0 && clientHeader.length <= 200 ? clientHeader : requestId;
  request.graphState = { requestId, clientRequestId };
  void reply.headers({ 'request-id': requestId, 'client-request-id': clientRequestId, 'x-ms-ags-diagnostic': AGS_DIAGNOSTIC });
}

export function sendGraphError(request: FastifyRequest, reply: FastifyReply, err: GraphError, now: Date): FastifyReply {
  assignRequestIds(request, reply);
  request.graphState.errorCode = err.code;
  for (const [name, value] of Object.entries(err.headers)) void reply.header(name, value);
  return reply
    .code(err.status)
    .type(GRAPH_JSON)
    .send(graphErrorBody(err, request.graphState, now));
}

const INVALID_JSON = 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/**
 * Graph bodies nested deeper than this are refused before parsing (runtime/jsonDepth.ts). 64 is
 * System.Text.Json's default MaxDepth (https://learn.microsoft.com/dotnet/api/system.text.json.jsonserializeroptions.maxdepth),
 * what a .NET service such as Graph refuses beyond; the deepest body Graph documents on our endpoints has under 10 levels.
 */
export const MAX_GRAPH_BODY_DEPTH = 64;

/** A body nested too deep: the same 400 as a body that is not JSON, saying why. */
const tooDeep = (max: number): GraphError => new GraphError(400, 'BadRequest', `${INVALID_JSON} The JSON is nested more than ${max} levels deep.`);

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
        return unsupportedMediaType(String((err as { contentType?: string }).contentType ?? ''));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return new GraphError(fe.statusCode, fe.statusCode === 413 ? 'RequestEntityTooLarge' : 'BadRequest', 'The request body is too large or its length is wrong.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new GraphError(400, 'BadRequest', INVALID_JSON);
      default:
        if (fe.validation !== undefined) return new GraphError(400, 'BadRequest', fe.message ?? 'Invalid request.');
        if (err instanceof SyntaxError) return new GraphError(400, 'BadRequest', INVALID_JSON);
        return new GraphError(fe.statusCode, fe.statusCode === 404 ? 'NotFound' : 'BadRequest', fe.message ?? 'Invalid request.');
    }
  }
  return storeSpaceError(err) ?? storeDataError(err) ?? new GraphError(500, 'generalException', 'An internal server error occurred while processing the request.');
}

/** Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, garbage): still Graph-shaped. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket, now: Date): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? GraphErrors.requestHeaderFieldsTooLarge('The request headers are too large.')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? GraphErrors.requestTimeout('The request timed out.')
        : GraphErrors.badRequest('The request could not be parsed.');
  const status = error.status;
  const requestId = randomUUID();
  const body = JSON.stringify(graphErrorBody(error, { requestId, clientRequestId: requestId }, now));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${GRAPH_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `request-id: ${requestId}\r\nclient-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** How the server is exposed, decided by whoever assembles it (emulator.ts). */
export interface ExposureOptions {
  /** The names the Host header may carry (http/hostCheck.ts); undefined: any. */
  allowedHost?: HostAllowance | undefined;
}

/**
 * Every GET route answers HEAD too (RFC 9110 §9.3.2), as one route with both methods: Node's
 * response to a HEAD sends the headers and drops the body, and streamed content checks the method
 * itself (http/byteRanges.ts) so as not to read what it would not send. Fastify's exposeHeadRoutes
 * adds a second route per GET instead (~145 of them), each a whole route registration: one route
 * with both methods took the ready line from 100 to 82 ms (median of 15 alternated starts each, load ~3). A route that must
 * not answer HEAD (a stream with no end) says `exposeHeadRoute: false`, as with fastify's option.
 */
function answerHeadWithGet(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.method === 'GET' && route.exposeHeadRoute !== false) route.method = ['GET', 'HEAD'];
  });
}

export async function buildApp(services: Services, tls: TlsOptions | undefined, exposure: ExposureOptions = {}): Promise<FastifyInstance> {
  const { config, faults } = services;
  const now = (): Date => services.ctx.clock.now();
  const app = Fastify({
    ...(tls !== undefined ? { https: { key: tls.key, cert: tls.cert } } : {}),
    logger: logOptions(config),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    // The control API refuses unknown query parameters; Graph routes drop them, as Graph does.
    schemaController: lazySchemaController({ strictQueryUnder: ['/_emulator/'] }),
    // JSON bodies are validated as sent: a property the schema does not know, or a value of the
    // wrong type, is a 400 rather than silently dropped or converted (http/lazySchemaCompilers.ts
    // keeps fastify's coercion for query strings and path parameters, which arrive as text).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    rewriteUrl: (req) => rewriteGraphUrl(req.url ?? '/'),
    // allowUnsafeRegex skips find-my-way's ReDoS lint of regex parameters, run once per route (~20 ms of
    // CPU at start-up for the ~200 Graph routes): the only one is GRAPH_VERSION_PREFIX (http/versions.ts),
    // an anchored alternation of literals, and routes are ours, never a client's.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2000, allowUnsafeRegex: true },
    return503OnClosing: true,
    // HEAD comes from answerHeadWithGet below, in the GET route itself.
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    clientErrorHandler: (err, socket) => answerClientError(err, socket, now()),
    // Undecodable paths (`%C0`) and over-long keys never reach a route or the hooks.
    frameworkErrors: (err, request, reply) => {
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const message = status === 414 ? 'The request URL is too long.' : `Invalid request URL: '${excerpt(pathOf(request.url))}' is not a valid URL path.`;
      return sendGraphError(request, reply, new GraphError(status, status === 414 ? 'RequestUriTooLong' : 'BadRequest', message), now());
    },
  });

  answerHeadWithGet(app);
  app.decorateRequest('graphState', null as unknown as FastifyRequest['graphState']);
  if (tls !== undefined && services.caCertificatePath !== undefined) reportUntrustedClients(app, services.caCertificatePath);
  // Added only when it would print: the hook costs every request something.
  if (REQUEST_LOG_LEVELS.has(config.logLevel)) {
    app.addHook('onResponse', (request, reply, done) => {
      logRequest(app.log, request, reply);
      done();
    });
  }
  // The request recorder (dashboard, GET /_emulator/requests): the same requests the log shows, with their headers and bodies.
  const recorder = services.requests;
  // One hook, which keeps references only (http/requestRecorder.ts): its cost per request is the bench part `recorder`.
  if (recorder.enabled) {
    app.addHook('onSend', (request, reply, payload, done) => {
      recorder.capture(request, reply, payload);
      done(null, payload);
    });
  }
  // A store out of space stays reported as such (health says degraded) until a write gets through.
  // A request that changes state and succeeded wrote, so there is space again (one check per response while all is well).
  const space = services.store.space;
  app.addHook('onResponse', (request, reply, done) => {
    if (space.outOfSpace && !SAFE_METHODS.has(request.method) && reply.statusCode < 400) space.noteWrite();
    done();
  });
  await app.register(formbody);
  // JSON with a suffix or parameters (`application/merge-patch+json`, `application/json;odata=verbose`) is JSON too.
  // Fastify's own parser for exactly `application/json` wins over a pattern, so it is replaced too.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  const depthCheckedJson: FastifyBodyParser<string | Buffer> = (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestsDeeperThan(text, MAX_GRAPH_BODY_DEPTH)) return done(tooDeep(MAX_GRAPH_BODY_DEPTH), undefined);
    return jsonParser(request, text, done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, depthCheckedJson);
  app.addContentTypeParser(/^application\/[a-z.+-]*json/i, { parseAs: 'string' }, depthCheckedJson);

  const { allowedHost } = exposure;
  if (allowedHost !== undefined) {
    // First of all: a request for a name we do not answer to reaches nothing, not even a fault rule.
    app.addHook('onRequest', async (request, reply) => {
      const refusal = hostRefusal(request.headers.host, allowedHost);
      if (refusal !== undefined) return sendGraphError(request, reply, refusal, now());
    });
  }

  app.addHook('onRequest', async (request, reply) => {
    assignRequestIds(request, reply);
    if (config.protocol === 'https') void reply.header('strict-transport-security', 'max-age=31536000');
    if (request.url.startsWith('/_emulator')) return;
    const fault = await injectedFault(faults, request.method, request.url, (applied) => (request.graphState.fault = applied));
    if (fault !== undefined) return sendGraphError(request, reply, fault, now());
  });

  // Graph bodies are JSON only; the form parser is for the identity endpoints. Unknown paths go on to the 501.
  app.addHook('preParsing', async (request) => {
    if (request.is404 || !BODY_METHODS.has(request.method) || !isGraphPath(request.url)) return;
    const length = request.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
    const type = request.headers['content-type'] ?? '';
    if (hasBody && !JSON_TYPE.test(type)) throw unsupportedMediaType(type);
  });

  app.setErrorHandler((err, request, reply) => {
    services.store.space.noteFailure(err);
    const graphErr = toGraphError(err);
    // Our own 5xx answers (501, injected 503) are deliberate; anything else reaching 5xx is a bug worth logging.
    if (graphErr.status >= 500 && !(err instanceof GraphError)) request.log.error({ err }, 'request failed');
    return sendGraphError(request, reply, graphErr, now());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    // A browser opening the bare origin gets the dashboard; API clients keep the JSON 404 below.
    if (path === '/' && request.method === 'GET' && /\btext\/html\b/i.test(request.headers.accept ?? '')) return reply.redirect('/_emulator/ui', 302);
    if (isGraphPath(path)) {
      // A path served for other methods is a 405; a path nobody serves is Graph's 501 for what is not emulated.
      const allowed = ROUTABLE_METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
      const err = allowed.length > 0 ? methodNotAllowed(request.method, allowed) : notImplemented(request.method, pathOf(request.originalUrl));
      return sendGraphError(request, reply, err, now());
    }
    if (VERSION_LIKE.test(path)) {
      const version = path.split('/')[1] ?? '';
      return sendGraphError(request, reply, new GraphError(400, 'BadRequest', `Invalid version: ${excerpt(version)}`), now());
    }
    return sendGraphError(
      request,
      reply,
      new GraphError(404, 'NotFound', `No such endpoint: ${excerpt(request.method)} ${excerpt(path)}. Graph calls start with /v1.0 or /beta; see GET /_emulator/openapi.json.`),
      now(),
    );
  });

  return app;
}

const UNTRUSTED_REPORT_INTERVAL_MS = 60_000;

/**
 * A client that does not trust our CA only shows up as a failed handshake, on its side as an opaque
 * "unable to verify the first certificate". Say on ours what to set, once a minute at most (a client
 * retrying in a loop must not flood the log). Most TLS stacks (OpenSSL, curl, Python, Java, browsers)
 * send an alert; Node.js checks the chain in JavaScript and just hangs up mid-handshake, so a reset
 * during the handshake is reported too, naming Node.js.
 */
function reportUntrustedClients(app: FastifyInstance, caPath: string): void {
  let lastReport = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  const report = (message: string): void => {
    const now = Date.now();
    if (now - lastReport < UNTRUSTED_REPORT_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    lastReport = now;
    app.log.warn(suppressed > 0 ? { alsoRejectedSinceLastReport: suppressed } : {}, message);
    suppressed = 0;
  };
  (app.server as unknown as TlsServer).on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
    socket.destroy();
    if (isUntrustedCertificateAlert(err)) report(untrustedCaMessage(caPath));
    else if (err.code === 'ECONNRESET') report(handshakeHangupMessage(caPath));
  });
}
