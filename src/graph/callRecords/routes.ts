import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseFunctionCall } from '../../http/odata/keySyntax.js';
import { notImplemented } from '../../http/errors.js';
import type { Services } from '../../services.js';
import { getCallRecord } from './get.js';
import { listRecords } from './list.js';
import { getOrganizer, listParticipants } from './participants.js';
import { getPstnLog, isPstnFunction } from './pstn.js';
import { getSession, listSegments, listSessions } from './sessions.js';

type Params = { id: string; sessionId: string };
type Req = FastifyRequest<{ Params: Params }>;

/** /communications/callRecords (graph-semantics §a.5): application-only, CallRecords.Read.All. */
export function registerCallRecordRoutes(app: FastifyInstance, services: Services): void {
  const base = '/communications/callRecords';
  app.get(base, (request, reply) => listRecords(services, request, reply));
  // The key-syntax rewrite leaves function calls with named parameters as one segment: dispatch here.
  app.get(`${base}/:id`, (request: Req, reply: FastifyReply) => {
    const call = parseFunctionCall(request.params.id);
    if (call === null) return getCallRecord(services, request, reply, request.params.id);
    if (isPstnFunction(call)) return getPstnLog(services, request, reply, call, request.params.id);
    throw notImplemented(request.method, request.originalUrl.split('?')[0] ?? '');
  });
  app.get(`${base}/:id/sessions`, (request: Req, reply: FastifyReply) => listSessions(services, request, reply, request.params.id));
  app.get(`${base}/:id/sessions/:sessionId`, (request: Req, reply: FastifyReply) => getSession(services, request, reply, request.params.id, request.params.sessionId));
  app.get(`${base}/:id/sessions/:sessionId/segments`, (request: Req, reply: FastifyReply) =>
    listSegments(services, request, reply, request.params.id, request.params.sessionId),
  );
  app.get(`${base}/:id/participants_v2`, (request: Req, reply: FastifyReply) => listParticipants(services, request, reply, request.params.id));
  app.get(`${base}/:id/organizer_v2`, (request: Req, reply: FastifyReply) => getOrganizer(services, request, reply, request.params.id));
}
