import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { findArtifact, pageArtifacts, type Artifact, type ArtifactKind } from '../domain/artifacts.js';
import { toSubscription } from '../domain/subscriptions.js';
import { sendStream } from '../http/byteRanges.js';
import type { RecordedRequest } from '../http/requestRecorder.js';
import { DomainError } from '../runtime/errors.js';
import type { AdminServices } from './adminServices.js';
import type { AdminService } from './service.js';
import { errorSchema } from './schemas.js';
import { callsSignature } from './callViews.js';
import { deliverySignature } from './deliverySignature.js';

/**
 * What the dashboard (src/ui, GET /_emulator/ui) reads besides the rest of the control API: the
 * recorded requests, a server-sent event stream of what changed, every subscription, and a
 * meeting's recordings and transcripts with their bytes (Range requests, so a <video> plays
 * them; GETs need no Graph token, as the control API's reads never do).
 */

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const headers = { type: 'object', additionalProperties: { type: 'string' } } as const;

const recordedSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: str,
    method: str,
    path: str,
    url: str,
    area: { type: 'string', enum: ['graph', 'identity', 'control', 'other'] },
    status: { type: 'integer' },
    ms: { type: 'number' },
    appId: nullableStr,
    userId: nullableStr,
    user: { ...nullableStr, description: 'upn or preferred_username of a delegated token.' },
    error: { ...nullableStr, description: 'The code of a Graph- or Entra-shaped error answer.' },
    fault: { ...nullableStr, description: 'The injected fault applied, if any.' },
    requestId: nullableStr,
    tokenClaims: { type: ['object', 'null'], additionalProperties: true, description: "The bearer token's decoded claims (never the token or its signature)." },
    requestHeaders: headers,
    requestBody: { ...nullableStr, description: 'Capped at 16 KiB; secrets (client_secret, password, tokens, code, clientState, keys…) redacted.' },
    responseHeaders: headers,
    responseBody: nullableStr,
    responseBodyTruncated: { type: 'boolean' },
  },
} as const;

const requestQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', maxLength: 10, description: 'A status (404), a class (4xx) or "error" (≥ 400).' },
    app: { type: 'string', maxLength: 200, description: 'Part of the calling app id.' },
    path: { type: 'string', maxLength: 2000, description: 'Part of the path.' },
    top: { type: 'integer', minimum: 1, maximum: 100000 },
    after: { type: 'integer', minimum: 0, description: 'Only requests recorded after this id.' },
  },
} as const;

const subscriptionSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    appId: str,
    resource: str,
    changeType: str,
    notificationUrl: str,
    lifecycleNotificationUrl: nullableStr,
    includeResourceData: { type: 'boolean' },
    expirationDateTime: str,
    createdDateTime: str,
    status: { type: 'string', enum: ['active', 'removed'] },
    removedReason: nullableStr,
  },
} as const;

/** An artifact as the dashboard reads it (meetings' and ad hoc calls' listings). */
export const artifactSchema = {
  type: 'object',
  properties: {
    id: str,
    kind: { type: 'string', enum: ['recording', 'transcript'] },
    callId: str,
    contentCorrelationId: str,
    createdDateTime: str,
    endDateTime: str,
    size: { type: 'integer' },
    recordingKind: { type: ['string', 'null'], enum: ['spoken', 'sample', null], description: 'Recordings: spoken (speech of the transcript) or sample (the sample clip); null for transcripts.' },
    contentUrl: { ...str, description: 'Under /_emulator: plays in a browser without a token.' },
    metadataContentUrl: nullableStr,
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 1000 } } } as const;

/** contentUrl under /_emulator, so a browser plays it without a Graph token. */
export function artifactView(a: Artifact): Record<string, unknown> {
  const base = `/_emulator/${a.kind === 'recording' ? 'recordings' : 'transcripts'}/${encodeURIComponent(a.id)}`;
  return {
    id: a.id,
    kind: a.kind,
    callId: a.callId,
    contentCorrelationId: a.contentCorrelationId,
    createdDateTime: a.createdDateTime,
    endDateTime: a.endDateTime,
    size: a.content.size,
    recordingKind: a.recordingKind,
    contentUrl: `${base}/content`,
    metadataContentUrl: a.metadata === null ? null : `${base}/metadataContent`,
  };
}

/**
 * `changed` is pushed: every committed write this process makes to the store (store.writes, fired after
 * COMMIT on both stores) asks, on the next turn, whether deliveries, subscriptions, meetings or artifacts
 * changed. The poll remains only for writes this process cannot hear of — another process on the same
 * SQLite file (the `seed` command), another instance sharing PostgreSQL.
 */
const CHANGE_POLL_MS = 2000;
const HEARTBEAT_MS = 15_000;

export function registerDashboardRoutes(app: FastifyInstance, services: AdminServices, admin: AdminService): void {
  const tags = ['control'];
  const { requests, ctx } = services;

  app.get<{ Querystring: { status?: string; app?: string; path?: string; top?: number; after?: number } }>(
    '/_emulator/requests',
    {
      schema: {
        tags,
        description: 'The last requests (Graph, identity and control), newest first, from a ring buffer (--request-history). The dashboard reads this; its own reads are not recorded.',
        querystring: requestQuery,
        response: { 200: { type: 'object', properties: { value: { type: 'array', items: recordedSchema } } }, 400: errorSchema },
      },
    },
    async (request) => ({ value: requests.list(request.query) }),
  );
  app.get<{ Params: { id: string } }>(
    '/_emulator/requests/:id',
    { schema: { tags, description: 'One recorded request.', params: idParams, response: { 200: recordedSchema, 404: errorSchema } } },
    async (request) => {
      const found = /^\d{1,15}$/.test(request.params.id) ? requests.get(Number(request.params.id)) : undefined;
      if (found === undefined) throw new DomainError('notFound', `No recorded request ${request.params.id}: it may have left the ring buffer (--request-history).`);
      return found;
    },
  );
  const recordingSchema = {
    type: 'object',
    required: ['recording'],
    additionalProperties: false,
    properties: { recording: { type: 'boolean', description: 'Whether requests are recorded from now on.' } },
  } as const;
  app.put<{ Body: { recording: boolean } }>(
    '/_emulator/requests/recording',
    {
      schema: {
        tags,
        description: 'Pause (false) or resume (true) recording requests; the requests already recorded are kept. With --request-history 0 nothing is recorded and resuming is a 400.',
        body: recordingSchema,
        response: {
          200: { type: 'object', properties: { recording: { type: 'boolean' }, capacity: { type: 'integer', description: 'The ring buffer size (--request-history).' } } },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      if (request.body.recording && !requests.enabled)
        throw new DomainError('invalid', 'The emulator was started with --request-history 0: there is no ring buffer to record into. Start it with a history size to record requests.');
      requests.recording = request.body.recording;
      return { recording: requests.recording, capacity: requests.capacity };
    },
  );
  app.delete('/_emulator/requests', { schema: { tags, description: 'Forget the recorded requests.' } }, async (_request, reply) => {
    requests.clear();
    return reply.code(204).send();
  });

  app.get(
    '/_emulator/subscriptions',
    {
      schema: {
        tags,
        description: 'Every change-notification subscription of every tenant, newest first.',
        response: { 200: { type: 'object', properties: { value: { type: 'array', items: subscriptionSchema } } } },
      },
    },
    async () => {
      const rows = await ctx.db.selectFrom('subscriptions').selectAll().orderBy('created_at', 'desc').limit(1000).execute();
      return {
        value: rows.map(toSubscription).map((s) => ({
          id: s.id,
          tenantId: s.tenantId,
          appId: s.appId,
          resource: s.resource,
          changeType: s.changeType,
          notificationUrl: s.notificationUrl,
          lifecycleNotificationUrl: s.lifecycleNotificationUrl,
          includeResourceData: s.includeResourceData,
          expirationDateTime: s.expirationDateTime,
          createdDateTime: s.createdAt,
          status: s.status,
          removedReason: s.removedReason,
        })),
      };
    },
  );

  app.get<{ Params: { meetingId: string } }>(
    '/_emulator/meetings/:meetingId/artifacts',
    {
      schema: {
        tags,
        description: "A meeting's recordings and transcripts, with control-API content URLs (no Graph token needed).",
        params: { type: 'object', required: ['meetingId'], properties: { meetingId: { type: 'string', minLength: 1, maxLength: 500 } } },
        response: { 200: { type: 'object', properties: { recordings: { type: 'array', items: artifactSchema }, transcripts: { type: 'array', items: artifactSchema } } } },
      },
    },
    async (request) => {
      const of = async (kind: ArtifactKind) => (await pageArtifacts(ctx, { by: 'meeting', kind, meetingId: request.params.meetingId }, 0, 500)).items.map(artifactView);
      return { recordings: await of('recording'), transcripts: await of('transcript') };
    },
  );

  const content = (kind: ArtifactKind, part: 'content' | 'metadataContent') => async (request: { params: { id: string } }, reply: FastifyReply) => {
    const artifact = await findArtifact(ctx, kind, request.params.id);
    const ref = artifact === undefined ? undefined : part === 'content' ? artifact.content : artifact.metadata;
    if (ref === undefined || ref === null) throw new DomainError('notFound', `No ${kind} ${request.params.id}${part === 'metadataContent' ? ' with metadata content' : ''}.`);
    return sendStream(request as Parameters<typeof sendStream>[0], reply, services.blobs, ref, kind === 'recording' ? 'video/mp4' : 'text/vtt');
  };
  const streamed = (description: string) => ({ schema: { tags, description, params: idParams, response: { 404: errorSchema, 416: errorSchema } } });
  app.get<{ Params: { id: string } }>('/_emulator/recordings/:id/content', streamed("A recording's MP4; honours Range (206/416), for a <video>."), content('recording', 'content'));
  app.get<{ Params: { id: string } }>('/_emulator/transcripts/:id/content', streamed("A transcript's WebVTT (<v Speaker> cues)."), content('transcript', 'content'));
  app.get<{ Params: { id: string } }>('/_emulator/transcripts/:id/metadataContent', streamed("A transcript's metadata WebVTT (JSON cues)."), content('transcript', 'metadataContent'));

  // Server-sent events: `request` (a recorded request), `clock` (the virtual clock moved, froze or resumed),
  // `changed` (deliveries, subscriptions, meetings, artifacts or calls changed in the store; the page re-reads what it shows).
  const streams = new Set<ServerResponse>();
  let poll: NodeJS.Timeout | undefined;
  let lastSignature = '';
  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };
  const signature = async (): Promise<string> => {
    const [deliveries, subscriptions, artifacts, meetings, calls] = await Promise.all([
      // From indexes, not a sum over every delivery (deliverySignature.ts).
      deliverySignature(ctx.db),
      ctx.db
        .selectFrom('subscriptions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('expiration_date_time').as('max')])
        .executeTakeFirst(),
      // Every artifact made is a change-feed entry (its feed_seq), and artifacts go only with a reset:
      // the feed's last sequence number, one index probe, instead of counting artifacts (~100 ms at 1M rows).
      ctx.db
        .selectFrom('change_feed')
        .select((eb) => eb.fn.max('seq').as('max'))
        .executeTakeFirst(),
      ctx.db
        .selectFrom('meetings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
      callsSignature(ctx),
    ]);
    return JSON.stringify([deliveries, subscriptions, artifacts, meetings, calls]);
  };
  // One check at a time; writes heard meanwhile ask for one more after it (a burst of writes costs two checks).
  let checking = false;
  let again = false;
  const checkChanges = (): void => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    again = false;
    signature()
      .then(
        (now) => {
          if (now !== lastSignature) {
            lastSignature = now;
            broadcast('changed', {});
          }
        },
        () => undefined, // a store busy closing: the next tick asks again
      )
      .finally(() => {
        checking = false;
        if (again && streams.size > 0) setImmediate(checkChanges);
      });
  };
  let heard = false;
  const onWrite = (): void => {
    if (heard) return;
    heard = true;
    // The write is committed; a burst of them within this turn shares one check.
    setImmediate(() => {
      heard = false;
      checkChanges();
    });
  };
  let unsubscribeRequests: (() => void) | undefined;
  let unsubscribeClock: (() => void) | undefined;
  let unsubscribeWrites: (() => void) | undefined;
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const stopWatching = (): void => {
    clearInterval(poll);
    poll = undefined;
    unsubscribeRequests?.();
    unsubscribeClock?.();
    unsubscribeWrites?.();
    unsubscribeRequests = unsubscribeClock = unsubscribeWrites = undefined;
  };
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    stopWatching();
    for (const stream of streams) stream.end();
    streams.clear();
  });

  app.get(
    '/_emulator/events',
    {
      // A HEAD would open a stream with no body to read.
      exposeHeadRoute: false,
      schema: {
        tags,
        description:
          'Server-sent events (text/event-stream) for the dashboard: `request` (a recorded request, as GET /_emulator/requests lists it), `clock` (the virtual clock, as GET /_emulator/clock), `changed` (deliveries, subscriptions, meetings, artifacts, calls, recording statuses, call records or PSTN rows changed).',
      },
    },
    async (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
      raw.write(`retry: 2000\nevent: clock\ndata: ${JSON.stringify(admin.clock())}\n\n`);
      streams.add(raw);
      if (streams.size === 1) {
        unsubscribeRequests = requests.onRecord((record: RecordedRequest) => broadcast('request', summary(record)));
        unsubscribeClock = services.ctx.clock.onChange(() => broadcast('clock', admin.clock()));
        unsubscribeWrites = services.store.writes.on(onWrite);
        void signature().then(
          (s) => (lastSignature = s),
          () => undefined,
        );
        poll = setInterval(checkChanges, CHANGE_POLL_MS);
        poll.unref();
      }
      request.raw.once('close', () => {
        streams.delete(raw);
        if (streams.size === 0) stopWatching();
      });
    },
  );
}

/** What an event carries about a request: the list row; the page reads the detail when opened. */
function summary(r: RecordedRequest): Record<string, unknown> {
  return { id: r.id, at: r.at, method: r.method, path: r.path, url: r.url, area: r.area, status: r.status, ms: r.ms, appId: r.appId, userId: r.userId, user: r.user, error: r.error, fault: r.fault };
}
