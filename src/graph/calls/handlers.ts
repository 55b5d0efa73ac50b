import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALL_PERMISSIONS } from '../../domain/callPermissions.js';
import type { PermissionRule } from '../../domain/permissions.js';
import { appIsInCall, findCall, findRecordingStatusOperation, updateRecordingStatus, type Call } from '../../domain/calls.js';
import { findMeeting } from '../../domain/meetings.js';
import { findUser } from '../../domain/users.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, includeUnknownEnumMembers, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { parseRecordingStatusBody } from './input.js';
import { toGraphCall, toGraphOperation } from './shape.js';

type Params = { callId: string; operationId: string };
type Req = FastifyRequest<{ Params: Params }>;

/**
 * Calls are per app in Graph: a call the app did not make or join does not exist for it. A call that
 * ended is gone too [unverified: wording of the live service's 404s].
 */
const callNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `Call '${id}' was not found.`);
const callEnded = (id: string): GraphError => new GraphError(404, 'NotFound', `Call '${id}' has ended and is no longer available.`);

const operationRead: PermissionRule = {
  delegated: null,
  application: [...new Set([...CALL_PERMISSIONS.callRead.application, ...CALL_PERMISSIONS.updateRecordingStatus.application])],
};

async function liveCallOfApp(services: GraphServices, request: FastifyRequest, callId: string, allowEnded = false): Promise<Call> {
  const principal = principalOf(request);
  const call = await findCall(services.ctx, callId.toLowerCase());
  if (call === undefined || call.tenantId !== principal.tenantId || !(await appIsInCall(services.ctx, call, principal.clientId))) throw callNotFound(callId);
  if (call.state === 'terminated' && !allowEnded) throw callEnded(callId);
  return call;
}

/** GET /communications/calls/{id} (https://learn.microsoft.com/graph/api/call-get). */
export async function getCall(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  parseQueryOptions(request.query as QueryInput, {});
  await authorize(services, request, CALL_PERMISSIONS.callRead);
  const call = await liveCallOfApp(services, request, request.params.callId);
  const meeting = call.meetingId === null ? undefined : await findMeeting(services.ctx, call.meetingId);
  const organizer = meeting === undefined ? undefined : await findUser(services.ctx, call.tenantId, meeting.organizerId);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, 'communications/calls/$entity'),
    ...toGraphCall(call, meeting, organizer, principalOf(request).clientId),
  });
}

/** POST /communications/calls/{id}/updateRecordingStatus (https://learn.microsoft.com/graph/api/call-updaterecordingstatus). */
export async function updateCallRecordingStatus(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  parseQueryOptions(request.query as QueryInput, {});
  await authorize(services, request, CALL_PERMISSIONS.updateRecordingStatus);
  const call = await liveCallOfApp(services, request, request.params.callId);
  const input = parseRecordingStatusBody(request.body, includeUnknownEnumMembers(request));
  const op = await updateRecordingStatus(services.ctx, { callId: call.id, clientId: principalOf(request).clientId, ...input });
  // 200 (not 202) with an absolute Location to the operation, as the reference page shows.
  void reply.header('Location', `${serviceRoot(request)}/communications/calls/${call.id}/operations/${op.id}`);
  return sendGraphJson(request, reply, 200, toGraphOperation(op));
}

/** GET /communications/calls/{id}/operations/{id}: the operation updateRecordingStatus made. */
export async function getCallOperation(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  parseQueryOptions(request.query as QueryInput, {});
  await authorize(services, request, operationRead);
  // An operation stays readable after its call ended (bots poll it), but only by the app that made it.
  const call = await liveCallOfApp(services, request, request.params.callId, true);
  const op = await findRecordingStatusOperation(services.ctx, call.id, request.params.operationId);
  if (op === undefined || op.clientId !== principalOf(request).clientId.toLowerCase()) {
    throw new GraphError(404, 'NotFound', `Operation '${request.params.operationId}' was not found.`);
  }
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `communications/calls('${call.id}')/operations/$entity`),
    ...toGraphOperation(op),
  });
}
