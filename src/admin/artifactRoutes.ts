import type { FastifyInstance } from 'fastify';
import type { AdhocCallRequest, AdminService, BotRecordingRequest, SimulateRequest } from './service.js';
import { errorSchema } from './schemas.js';
import { botRecordingResultSchema, botRecordingSchema, meetingIdParams, newAdhocCallSchema, simulateSchema, simulationSchema, usageQuery, usageSchema } from './artifactSchemas.js';

/** Make meetings and ad hoc calls happen; report metered-API usage (control API). */
export function registerArtifactControlRoutes(app: FastifyInstance, admin: AdminService): void {
  const tags = ['control'];
  const errors = { 400: errorSchema, 404: errorSchema };

  app.post<{ Params: { meetingId: string }; Body: SimulateRequest | undefined }>(
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
    async (request, reply) => reply.code(201).send(await admin.simulateMeeting(request.params.meetingId, request.body ?? {})),
  );

  app.post<{ Params: { tenantId: string }; Body: AdhocCallRequest }>(
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
    async (request, reply) => reply.code(201).send(await admin.simulateAdhocCall(request.params.tenantId, request.body)),
  );

  app.post<{ Params: { callId: string }; Body: BotRecordingRequest }>(
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
    async (request, reply) => reply.code(201).send(await admin.addBotRecording(request.params.callId, request.body)),
  );

  app.get<{ Querystring: { tenantId?: string } }>(
    '/_emulator/usage',
    { schema: { tags, description: 'Calls to metered APIs (recordings, transcripts) per tenant, app and API since the emulator started.', querystring: usageQuery, response: { 200: usageSchema } } },
    async (request) => admin.usage(request.query),
  );
}
