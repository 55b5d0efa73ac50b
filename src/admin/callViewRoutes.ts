import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../domain/context.js';
import type { PstnKind } from '../domain/pstnCalls.js';
import { callRecordDetail, pageCallActivity, pageCallRecords, pagePstnCalls } from './callViews.js';
import { errorSchema, tenantParams } from './schemas.js';

/**
 * The reads behind the dashboard's Call records and Live calls pages (src/ui/callRecords.ts,
 * src/ui/liveCalls.ts): newest first, paged with skip/top, each answer saying whether more follow.
 */

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const graphJson = { type: 'object', additionalProperties: true } as const;
const errors = { 400: errorSchema, 404: errorSchema };

const paging = (defaultTop: number, maxTop: number) =>
  ({
    skip: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    top: { type: 'integer', minimum: 1, maximum: maxTop, default: defaultTop },
  }) as const;

const recordRowSchema = {
  type: 'object',
  properties: {
    id: str,
    callId: nullableStr,
    meetingId: nullableStr,
    organizerId: nullableStr,
    version: { type: 'integer' },
    type: str,
    modalities: { type: 'array', items: str },
    startDateTime: str,
    endDateTime: str,
    lastModifiedDateTime: str,
    participantCount: { type: 'integer' },
    sessionCount: { type: 'integer' },
  },
} as const;

const statusUpdateSchema = {
  type: 'object',
  properties: { id: str, callId: str, clientId: str, status: str, clientContext: nullableStr, operationStatus: str, createdDateTime: str },
} as const;

const activitySchema = {
  type: 'object',
  properties: {
    id: str,
    meetingId: nullableStr,
    state: str,
    callChainId: str,
    startedDateTime: str,
    endedDateTime: nullableStr,
    apps: {
      type: 'array',
      description: 'The apps in the call (the one that placed it first), each with its updateRecordingStatus history, oldest first.',
      items: {
        type: 'object',
        properties: {
          clientId: str,
          recordingAllowed: { type: 'boolean', description: 'May the app persist media now (its latest accepted status is recording)?' },
          updates: { type: 'array', items: statusUpdateSchema },
        },
      },
    },
  },
} as const;

const pageOf = (item: object) => ({ type: 'object', properties: { value: { type: 'array', items: item }, more: { type: 'boolean', description: 'More follow (ask with a larger skip).' } } }) as const;

type T = { tenantId: string };
type Paging = { skip: number; top: number };

export function registerCallViewRoutes(app: FastifyInstance, ctx: DomainContext): void {
  const tags = ['control'];
  app.get<{ Params: T; Querystring: Paging }>(
    '/_emulator/tenants/:tenantId/callRecords',
    {
      schema: {
        tags,
        description: "The tenant's call records within their 30 days, newest start first.",
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: paging(20, 200) },
        response: { 200: pageOf(recordRowSchema), ...errors },
      },
    },
    async (request) => pageCallRecords(ctx, request.params.tenantId, request.query.skip, request.query.top),
  );
  app.get<{ Params: T & { recordId: string }; Querystring: Paging }>(
    '/_emulator/tenants/:tenantId/callRecords/:recordId/detail',
    {
      schema: {
        tags,
        description:
          'A call record with its organizer, its first 500 participants and a page (skip/top) of its sessions, each with its segments, their media and streams (jitter, packet loss, round trip…), as Graph serves them with $expand=sessions($expand=segments).',
        params: { type: 'object', required: ['tenantId', 'recordId'], properties: { tenantId: tenantParams.properties.tenantId, recordId: { type: 'string', minLength: 1, maxLength: 200 } } },
        querystring: { type: 'object', additionalProperties: false, properties: paging(50, 200) },
        response: {
          200: {
            type: 'object',
            properties: {
              record: recordRowSchema,
              organizer: { ...graphJson, type: ['object', 'null'] },
              participants: { type: 'array', items: graphJson },
              participantsMore: { type: 'boolean' },
              sessions: { type: 'array', items: graphJson },
              sessionsMore: { type: 'boolean' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => callRecordDetail(ctx, request.params.tenantId, request.params.recordId, request.query.skip, request.query.top, 500),
  );
  app.get<{ Params: T; Querystring: Paging & { kind: PstnKind } }>(
    '/_emulator/tenants/:tenantId/pstnCalls',
    {
      schema: {
        tags,
        description: 'The rows getPstnCalls (kind=pstn) or getDirectRoutingCalls (kind=directRouting) serve, newest start first.',
        params: tenantParams,
        querystring: { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['pstn', 'directRouting'] }, ...paging(20, 200) } },
        response: { 200: pageOf(graphJson), ...errors },
      },
    },
    async (request) => pagePstnCalls(ctx, request.params.tenantId, request.query.kind, request.query.skip, request.query.top),
  );
  app.get<{ Params: T; Querystring: Paging & { withApps: boolean } }>(
    '/_emulator/tenants/:tenantId/callActivity',
    {
      schema: {
        tags,
        description: "The tenant's calls (communications/calls, live and ended), newest first, with the apps in each and every app's recording-status history.",
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...paging(20, 200), withApps: { type: 'boolean', default: false, description: 'Only calls an app placed, joined or reported a recording status on.' } },
        },
        response: { 200: pageOf(activitySchema), ...errors },
      },
    },
    async (request) => pageCallActivity(ctx, request.params.tenantId, request.query.skip, request.query.top, request.query.withApps),
  );
}
