import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { excerpt } from '../../runtime/excerpt.js';
import { GraphError, graphErrorBody } from '../../http/errors.js';
import { GraphErrors } from '../../http/errorCatalogue.js';
import { GRAPH_JSON } from '../../http/mediaTypes.js';
import { servicesOf } from '../servicesOf.js';
import { planBatch, type BatchStep } from './plan.js';
import { borrowedOrigin, lendOrigin, STEP_ORIGIN_HEADER } from './stepOrigins.js';
import { requestOrigin } from '../../http/requestContext.js';

/** One entry of `responses` (https://learn.microsoft.com/graph/json-batching#processing-the-json-batch-response). */
export interface BatchStepResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Steps without a dependency between them may run at the same time (Graph does not promise an order);
 * a few at once keeps one batch from taking over a small machine.
 */
const STEP_CONCURRENCY = 4;

const CONTROL = /[\u0000-\u001f\u007f]/;
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Headers of the batch request a step never takes from its own `headers`: the batch's token and transport. */
const NOT_FROM_STEP = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);
/** Headers of a step's answer that belong to the transport, or to the batch's own answer. */
const NOT_IN_STEP_RESPONSE = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
  'strict-transport-security',
  'request-id',
  'client-request-id',
  'x-ms-ags-diagnostic',
]);
/**
 * Graph's spelling of the step headers it sends. `Content-Type` matters: graph-client's BatchResponseContent
 * only reads a step body as JSON under exactly that key.
 */
const HEADER_NAMES: Record<string, string> = {
  'content-type': 'Content-Type',
  'cache-control': 'Cache-Control',
  'odata-version': 'OData-Version',
  location: 'Location',
  'retry-after': 'Retry-After',
  'preference-applied': 'Preference-Applied',
  'www-authenticate': 'WWW-Authenticate',
  allow: 'Allow',
  etag: 'ETag',
  'content-range': 'Content-Range',
  'accept-ranges': 'Accept-Ranges',
  'content-disposition': 'Content-Disposition',
};

/** An answer made here, not by a route: Graph's error envelope with a request id of its own. */
function errorResponse(id: string, err: GraphError, now: Date): BatchStepResponse {
  const requestId = randomUUID();
  return { id, status: err.status, headers: { 'Content-Type': GRAPH_JSON, ...err.headers }, body: graphErrorBody(err, { requestId, clientRequestId: requestId }, now) };
}

/** The step's own request body: JSON as JSON, anything else sent base64-encoded (json-batching: "a base64 URL-encoded value"). */
function stepPayload(step: BatchStep, contentType: string | undefined): string | Buffer | GraphError | undefined {
  if (step.body === undefined) return undefined;
  if (contentType !== undefined && JSON_TYPE.test(contentType)) return JSON.stringify(step.body);
  if (typeof step.body !== 'string') return GraphErrors.badRequest(`The body of request ${excerpt(step.id)} must be a base64-encoded string: its Content-Type is not JSON.`);
  // Node's base64 decoder takes the URL-safe alphabet too.
  return Buffer.from(step.body, 'base64');
}

/** Run one step through the app as a request of its own: routing, token, fault rules, metering and the request log all apply. */
async function runStep(request: FastifyRequest, step: BatchStep, now: () => Date): Promise<BatchStepResponse> {
  const version = request.graphState.version ?? 'v1.0';
  if (step.target.kind === 'versioned') {
    // Step URLs are relative to the batch's version: Graph reads a leading `/v1.0` as a resource segment.
    return errorResponse(step.id, GraphErrors.badRequest(`Resource not found for the segment '${excerpt(step.target.segment)}'.`), now());
  }
  // A request line cannot carry control characters: sent alone, such a URL never reaches a route.
  if (CONTROL.test(step.url)) return errorResponse(step.id, GraphErrors.badRequest(`Invalid request URL: '${excerpt(step.url)}' is not a valid URL path.`), now());
  if (step.target.kind === 'nestedBatch') return errorResponse(step.id, GraphErrors.badRequest(NESTED_BATCH), now());

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers)) if (!NOT_FROM_STEP.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  const payload = stepPayload(step, headers['content-type']);
  if (payload instanceof GraphError) return errorResponse(step.id, payload, now());
  const authorization = request.headers.authorization;
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (request.headers.host !== undefined) headers['host'] = request.headers.host;

  const origin = lendOrigin(requestOrigin(request));
  headers[STEP_ORIGIN_HEADER] = origin.key;
  let answer;
  try {
    answer = await request.server.inject({
      method: step.method as 'GET',
      url: `/${version}${step.target.path}`,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      // The step comes from the same client as the batch: its address is the batch's.
      remoteAddress: request.ip,
    });
  } finally {
    origin.release();
  }

  const stepHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || NOT_IN_STEP_RESPONSE.has(name)) continue;
    stepHeaders[HEADER_NAMES[name] ?? name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const response: BatchStepResponse = { id: step.id, status: answer.statusCode, headers: stepHeaders };
  if (answer.rawPayload.length > 0) {
    const contentType = stepHeaders['Content-Type'] ?? '';
    // JSON stays JSON; any other body (recording and transcript content) is base64, as Graph sends binary bodies.
    response.body = JSON_TYPE.test(contentType) ? (JSON.parse(answer.payload) as unknown) : answer.rawPayload.toString('base64');
  }
  return response;
}

const NESTED_BATCH = 'A batch request step cannot be a batch request itself.';

/** A small counting semaphore: at most `limit` steps in flight. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * POST /$batch (https://learn.microsoft.com/graph/json-batching): up to 20 steps, each answered as if
 * sent alone with the batch's token. A step whose dependsOn step failed is not run and answers 424.
 */
export async function postBatch(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const now = (): Date => services.ctx.clock.now();
  // A step that still reached $batch (`users/../$batch`, resolved by the URL parser): batches do not nest,
  // or each level would multiply the requests by 20.
  if (borrowedOrigin(request.headers[STEP_ORIGIN_HEADER]) !== undefined) throw GraphErrors.badRequest(NESTED_BATCH);
  const plan = planBatch(request.body);
  if (!plan.ok) throw new GraphError(400, plan.refusal.code, plan.refusal.message);

  const byKey = new Map(plan.steps.map((step) => [step.key, step]));
  const outcomes = new Map<string, Promise<BatchStepResponse>>();
  const limit = limiter(STEP_CONCURRENCY);
  const outcomeOf = (step: BatchStep): Promise<BatchStepResponse> => {
    const known = outcomes.get(step.key);
    if (known !== undefined) return known;
    const outcome = (async (): Promise<BatchStepResponse> => {
      // planBatch refused cycles and unknown ids, so this recursion ends.
      const dependencies = await Promise.all(step.dependsOn.map((key) => outcomeOf(byKey.get(key)!)));
      const failed = dependencies.find((d) => d.status >= 400);
      if (failed !== undefined) {
        return errorResponse(step.id, GraphErrors.failedDependency(`The request depends on request ${excerpt(failed.id)}, which failed with status ${failed.status}.`), now());
      }
      return limit(() => runStep(request, step, now));
    })();
    outcomes.set(step.key, outcome);
    return outcome;
  };
  const responses = await Promise.all(plan.steps.map(outcomeOf));
  return reply.code(200).type(GRAPH_JSON).send({ responses });
}
