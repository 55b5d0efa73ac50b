import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PstnKind } from '../domain/pstnCalls.js';
import { MAX_PARTICIPANTS, MAX_SESSIONS } from '../simulation/callRecordGenerator.js';
import { MAX_PSTN_CALLS } from '../simulation/pstnCalls.js';
import type { NewCallRecordRequest, NewLiveCall } from './calls.js';
import type { AdminService } from './service.js';
import { errorSchema } from './schemas.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

const callSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    meetingId: nullableStr,
    state: str,
    callChainId: str,
    startedDateTime: str,
    endedDateTime: nullableStr,
    apps: { type: 'array', items: str, description: 'Client ids of the apps in the call (the one that placed it first).' },
  },
} as const;
const callRecordSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    callId: nullableStr,
    meetingId: nullableStr,
    version: { type: 'integer' },
    type: str,
    startDateTime: str,
    endDateTime: str,
    lastModifiedDateTime: str,
    expiresDateTime: str,
    participantCount: { type: 'integer' },
    sessionCount: { type: 'integer' },
  },
} as const;
const recordingStatusSchema = {
  type: 'object',
  properties: {
    callId: str,
    recordingAllowed: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'Per app: may it persist media now (its latest accepted status is recording)?' },
    value: {
      type: 'array',
      items: { type: 'object', properties: { id: str, callId: str, clientId: str, status: str, clientContext: nullableStr, operationStatus: str, createdDateTime: str } },
    },
  },
} as const;

const newCallSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { meetingId: { type: 'string', minLength: 1 }, clientId: { type: 'string', minLength: 1, description: 'The app that places the call.' } },
} as const;
const joinSchema = { type: 'object', required: ['clientId'], additionalProperties: false, properties: { clientId: { type: 'string', minLength: 1 } } } as const;
const newCallRecordSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    participants: { type: 'array', items: str, maxItems: MAX_PARTICIPANTS, description: "Users (id or UPN) who took part; default the meeting's attendees." },
    participantCount: { type: 'integer', minimum: 1, maximum: MAX_PARTICIPANTS, description: 'participants_v2 in all; guests fill up.' },
    sessionCount: { type: 'integer', minimum: 1, maximum: MAX_SESSIONS },
    modalities: { type: 'array', items: { type: 'string', enum: ['audio', 'video', 'videoBasedScreenSharing', 'data', 'screenSharing'] }, minItems: 1 },
    type: { type: 'string', enum: ['groupCall', 'peerToPeer', 'unknown'] },
  },
} as const;
const emptySchema = { type: 'object', additionalProperties: false, properties: {} } as const;
const lateTelemetrySchema = { type: 'object', additionalProperties: false, properties: { sessions: { type: 'integer', minimum: 1, maximum: 500 } } } as const;
const pstnSchema = {
  type: 'object',
  required: ['kind', 'count'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['pstn', 'directRouting'] },
    count: { type: 'integer', minimum: 1, maximum: MAX_PSTN_CALLS },
    withinHours: { type: 'integer', minimum: 1, maximum: 2160 },
  },
} as const;

type T = { tenantId: string };

/** For routes whose body is optional: no body is the empty object (the schema describes it for OpenAPI). */
const optionalBody = async (request: FastifyRequest): Promise<void> => {
  request.body ??= {};
};
type C = { callId: string };

/** Control API for calls, call records and PSTN logs (registered by routes.ts). */
export function registerCallAdminRoutes(app: FastifyInstance, calls: AdminService): void {
  const tags = ['control'];
  app.get<{ Params: T }>(
    '/_emulator/tenants/:tenantId/calls',
    { schema: { tags, response: { 200: { type: 'object', properties: { value: { type: 'array', items: callSchema } } }, ...errors } } },
    async (request) => ({
      value: await calls.listCalls(request.params.tenantId),
    }),
  );
  app.post<{ Params: T; Body: NewLiveCall }>(
    '/_emulator/tenants/:tenantId/calls',
    { preValidation: optionalBody, schema: { tags, description: 'Start a live call (of a meeting, or ad hoc).', body: newCallSchema, response: { 201: callSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await calls.startCall(request.params.tenantId, request.body)),
  );
  app.post<{ Params: C; Body: { clientId: string } }>(
    '/_emulator/calls/:callId/apps',
    {
      schema: {
        tags,
        description: 'An app (e.g. a compliance-recording bot) joins a live call: it may then GET the call and update its recording status.',
        body: joinSchema,
        response: { 200: callSchema, ...errors },
      },
    },
    async (request) => calls.joinCall(request.params.callId, request.body.clientId),
  );
  app.post<{ Params: C }>(
    '/_emulator/calls/:callId/end',
    { preValidation: optionalBody, schema: { tags, description: 'End a live call (no body, or {}).', body: emptySchema, response: { 200: callSchema, ...errors } } },
    async (request) => calls.endCall(request.params.callId),
  );
  app.get<{ Params: C }>(
    '/_emulator/calls/:callId/recordingStatus',
    { schema: { tags, description: 'Every updateRecordingStatus on the call, oldest first, and whether each app may record now.', response: { 200: recordingStatusSchema, ...errors } } },
    async (request) => calls.recordingStatus(request.params.callId),
  );
  app.post<{ Params: C; Body: NewCallRecordRequest }>(
    '/_emulator/calls/:callId/callRecord',
    {
      preValidation: optionalBody,
      schema: { tags, description: 'End the call (if live) and make its call record (id = callChainId), sized as asked.', body: newCallRecordSchema, response: { 201: callRecordSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await calls.createCallRecord(request.params.callId, request.body)),
  );
  app.get<{ Params: T & { recordId: string } }>('/_emulator/tenants/:tenantId/callRecords/:recordId', { schema: { tags, response: { 200: callRecordSchema, ...errors } } }, async (request) =>
    calls.getCallRecord(request.params.tenantId, request.params.recordId),
  );
  app.post<{ Params: T & { recordId: string }; Body: { sessions?: number } }>(
    '/_emulator/tenants/:tenantId/callRecords/:recordId/lateTelemetry',
    {
      preValidation: optionalBody,
      schema: {
        tags,
        description: 'Late telemetry: more sessions arrive and the record version goes up by one (an updated change).',
        body: lateTelemetrySchema,
        response: { 200: callRecordSchema, ...errors },
      },
    },
    async (request) => calls.addLateTelemetry(request.params.tenantId, request.params.recordId, request.body),
  );
  app.post<{ Params: T; Body: { kind: PstnKind; count: number; withinHours?: number } }>(
    '/_emulator/tenants/:tenantId/pstnCalls',
    {
      schema: {
        tags,
        description: 'Simulate Calling Plan (pstn) or Direct Routing calls of the tenant’s users within the last hours.',
        body: pstnSchema,
        response: { 201: { type: 'object', properties: { ids: { type: 'array', items: str } } }, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await calls.simulatePstnCalls(request.params.tenantId, request.body)),
  );
}
