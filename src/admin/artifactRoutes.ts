import type { FastifyInstance } from 'fastify';
import { DomainError } from '../runtime/errors.js';
import { findTenant } from '../domain/tenants.js';
import { parseDurationMs } from '../runtime/duration.js';
import { acceptBotRecording } from '../simulation/botRecordings.js';
import { simulateAdhocCall, simulateMeeting, type SimulateOptions } from '../simulation/meetingScenario.js';
import type { AdminServices } from './adminServices.js';
import { errorSchema } from './schemas.js';
import { botRecordingResultSchema, botRecordingSchema, meetingIdParams, newAdhocCallSchema, simulateSchema, simulationSchema, usageQuery, usageSchema } from './artifactSchemas.js';

interface SimulateBody {
  durationMinutes?: number;
  recording?: boolean;
  recordingSizeBytes?: number;
  transcript?: boolean;
  artifactDelay?: string | number;
}

function simulateOptions(body: SimulateBody | undefined): SimulateOptions {
  const b = body ?? {};
  const options: SimulateOptions = {};
  if (b.durationMinutes !== undefined) options.durationMinutes = b.durationMinutes;
  if (b.recording !== undefined) options.recording = b.recording;
  if (b.recordingSizeBytes !== undefined) options.recordingSizeBytes = b.recordingSizeBytes;
  if (b.transcript !== undefined) options.transcript = b.transcript;
  if (b.artifactDelay !== undefined) {
    const ms = typeof b.artifactDelay === 'number' ? b.artifactDelay : parseDurationMs(b.artifactDelay);
    if (ms === undefined || ms < 0) throw new DomainError('invalid', `artifactDelay '${String(b.artifactDelay)}' is not an ISO 8601 duration (PT5M) or a number of milliseconds.`);
    options.artifactDelayMs = ms;
  }
  return options;
}

/** Make meetings and ad hoc calls happen; report metered-API usage (control API). */
export function registerArtifactControlRoutes(app: FastifyInstance, services: Pick<AdminServices, 'ctx' | 'blobs' | 'usage'>): void {
  const tags = ['control'];
  const errors = { 400: errorSchema, 404: errorSchema };

  app.post<{ Params: { meetingId: string }; Body: SimulateBody | undefined }>(
    '/_emulator/meetings/:meetingId/simulate',
    {
      schema: {
        tags,
        description: 'A meeting happens now: an ended call of its participants, then a recording (real MP4) and a transcript (WebVTT), at once or after artifactDelay on the virtual clock.',
        params: meetingIdParams,
        body: simulateSchema,
        response: { 201: simulationSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await simulateMeeting(services.ctx, services.blobs, request.params.meetingId, simulateOptions(request.body))),
  );

  app.post<{ Params: { tenantId: string }; Body: SimulateBody & { organizerId: string; participantIds: string[] } }>(
    '/_emulator/tenants/:tenantId/adhocCalls',
    {
      schema: {
        tags,
        description: 'An ad hoc call (1:1 or group, no meeting) happens now, with a recording and a transcript under /users/{organizerId}/adhocCalls/{id}.',
        params: { type: 'object', required: ['tenantId'], properties: { tenantId: { type: 'string', minLength: 1, maxLength: 100 } } },
        body: newAdhocCallSchema,
        response: { 201: simulationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { organizerId, participantIds, ...rest } = request.body;
      if ((await findTenant(services.ctx, request.params.tenantId)) === undefined) throw new DomainError('notFound', `Tenant '${request.params.tenantId}' was not found.`);
      const result = await simulateAdhocCall(services.ctx, services.blobs, { tenantId: request.params.tenantId, organizerId, participantIds, ...simulateOptions(rest) });
      return reply.code(201).send(result);
    },
  );

  app.post<{ Params: { callId: string }; Body: { clientId: string; recordingSizeBytes?: number } }>(
    '/_emulator/calls/:callId/botRecordings',
    {
      schema: {
        tags,
        description:
          "A compliance-recording bot in the call hands in its recording: accepted (201, listed under the meeting's or ad hoc call's recordings, notifying subscribers) only while the app's latest updateRecordingStatus on the call is a successful 'recording'; otherwise 409 and nothing is stored.",
        params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 200 } } },
        body: botRecordingSchema,
        response: { 201: botRecordingResultSchema, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const artifact = await acceptBotRecording(services.ctx, services.blobs, { callId: request.params.callId, ...request.body });
      const { id, callId, meetingId, adhocCallId, organizerId, contentCorrelationId, createdDateTime, endDateTime } = artifact;
      return reply.code(201).send({ id, callId, meetingId, adhocCallId, organizerId, contentCorrelationId, createdDateTime, endDateTime, size: artifact.content.size });
    },
  );

  app.get<{ Querystring: { tenantId?: string } }>(
    '/_emulator/usage',
    { schema: { tags, description: 'Calls to metered APIs (recordings, transcripts) per tenant, app and API since the emulator started.', querystring: usageQuery, response: { 200: usageSchema } } },
    async (request) => ({ value: services.usage.list(request.query.tenantId) }),
  );
}
