import type { FastifyInstance } from 'fastify';
import type { DeliveryQuery } from '../notifications/deliveryLog.js';
import type { AdminService } from './service.js';
import { errorSchema } from './schemas.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

const attemptSchema = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    at: str,
    statusCode: { type: ['integer', 'null'] },
    error: nullableStr,
    durationMs: { type: 'integer' },
    batchSize: { type: 'integer' },
    outcome: {
      type: 'string',
      enum: ['delivered', 'retry', 'dropped', 'delayed'],
      description: "retry/dropped after a failed POST; delayed/dropped with no statusCode: Graph's slow-endpoint rule held the notification back unsent (error says why).",
    },
    instanceId: str,
  },
} as const;

const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    subscriptionId: str,
    kind: { type: 'string', enum: ['change', 'lifecycle'] },
    targetUrl: str,
    status: { type: 'string', enum: ['pending', 'delivered', 'dropped'] },
    createdDateTime: str,
    dueDateTime: str,
    finishedDateTime: nullableStr,
    lastError: nullableStr,
    payload: { type: 'object', additionalProperties: true, description: 'The changeNotification (or lifecycle notification) item as POSTed.' },
    decryptedResourceData: { type: ['object', 'null'], additionalProperties: true, description: 'The plaintext of encryptedContent: the resource as GET returns it.' },
    attempts: { type: 'array', items: attemptSchema },
  },
} as const;

const deliveryQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subscriptionId: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['pending', 'delivered', 'dropped'] },
    kind: { type: 'string', enum: ['change', 'lifecycle'] },
    top: { type: 'integer', minimum: 1, maximum: 10000 },
  },
} as const;

const flushBody = {
  type: 'object',
  additionalProperties: false,
  properties: { timeoutMs: { type: 'integer', minimum: 1, maximum: 600000, description: 'Give up after this long (default 60000).' } },
} as const;

const flushResult = {
  type: 'object',
  properties: { delivered: { type: 'integer' }, retrying: { type: 'integer' }, dropped: { type: 'integer' }, pending: { type: 'integer' } },
} as const;

/** The notification delivery log and flush (control API). */
export function registerDeliveryRoutes(app: FastifyInstance, admin: AdminService): void {
  const tags = ['control'];
  app.get<{ Querystring: DeliveryQuery }>(
    '/_emulator/deliveries',
    {
      schema: {
        tags,
        description: 'The change-notification delivery log, newest first: each notification with its payload, decrypted resource data and every attempt.',
        querystring: deliveryQuery,
        response: { 200: { type: 'object', properties: { value: { type: 'array', items: deliverySchema } } }, 400: errorSchema },
      },
    },
    async (request) => ({ value: await admin.deliveries(request.query) }),
  );
  app.post<{ Body: { timeoutMs?: number } }>(
    '/_emulator/deliveries/flush',
    {
      schema: {
        tags,
        description: 'Deliver every notification due now; answers once each was delivered or failed (failures are retried later on the virtual clock). The body is optional.',
        body: flushBody,
        response: { 200: flushResult, 400: errorSchema },
      },
      // No body (the usual call) is an empty one: Fastify would otherwise refuse it against the schema.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request) => admin.flushDeliveries(request.body),
  );
}
