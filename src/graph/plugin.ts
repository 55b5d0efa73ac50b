/**
 * The Graph API under /v1.0 and /beta. Each area's `routes.ts` lists its paths literally, as Graph
 * documents them, each pointing at a named handler:
 *
 *   users/routes.ts              /me, /users/{id}
 *   onlineMeetings/routes.ts     {me}/onlineMeetings…, /communications/onlineMeetings
 *   attendanceReports/routes.ts  {me}/onlineMeetings/{id}/attendanceReports[/{id}[/attendanceRecords]]
 *   chats/routes.ts              /chats/{id}/messages[/{id}], /me/chats/{id}/messages (meeting chats)
 *   copilot/routes.ts            /copilot/users/{id}/onlineMeetings/{id}/aiInsights[/{id}]
 *   events/routes.ts             {me}/events…, {me}/calendarView[/delta] (the calendar)
 *   recordings/routes.ts         {me}/onlineMeetings/{id}/recordings…, {me}/adhocCalls/{id}/recordings…
 *   transcripts/routes.ts        {me}/onlineMeetings/{id}/transcripts…, {me}/adhocCalls/{id}/transcripts…
 *   getAllRecordings/routes.ts   {me}/onlineMeetings|adhocCalls/getAllRecordings(…)[/delta]
 *   getAllTranscripts/routes.ts  {me}/onlineMeetings|adhocCalls/getAllTranscripts(…)[/delta]
 *   callRecords/routes.ts        /communications/callRecords…
 *   calls/routes.ts              /communications/calls/{id}…
 *   subscriptions/routes.ts      /subscriptions…
 *   batch/routes.ts              /$batch (each step runs through these same routes)
 *   metadata/routes.ts           /$metadata, / (the service document; no token needed)
 *
 * Before routing, http/app.ts rewrites OData key and function syntax in the path (http/odata/keySyntax.ts):
 * `users('x')` and `users(x)` become `users/x`; `delta()` and `microsoft.graph.delta()` become `delta`.
 * A function call with named parameters stays one segment, so
 * `getAllRecordings(meetingOrganizerUserId='…',startDateTime=…)` reaches the route
 * `…/onlineMeetings/getAllRecordings:args` (`:args` holds the parenthesised parameters), and
 * `callRecords/getPstnCalls(fromDateTime=…,toDateTime=…)` reaches `/communications/callRecords/:callRecordId`,
 * whose handler tells a function call from a record id.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenRejected } from '../auth/tokens.js';
import { GRAPH_APP_ID } from '../domain/graphResource.js';
import { bearerToken } from '../http/bearer.js';
import { GraphError } from '../http/errors.js';
import { parsePrefer } from '../http/odata/prefer.js';
import { originOf, requestOrigin } from '../http/requestContext.js';
import { graphVersionOf } from '../http/versions.js';
import type { GraphServices } from './graphServices.js';
import { registerBatchRoutes } from './batch/routes.js';
import { borrowedOrigin, STEP_ORIGIN_HEADER } from './batch/stepOrigins.js';
import { registerCallRecordRoutes } from './callRecords/routes.js';
import { registerCallRoutes } from './calls/routes.js';
import { registerAttendanceReportRoutes } from './attendanceReports/routes.js';
import { registerChatRoutes } from './chats/routes.js';
import { registerCopilotRoutes } from './copilot/routes.js';
import { registerEventRoutes } from './events/routes.js';
import { registerGetAllRecordingsRoutes } from './getAllRecordings/routes.js';
import { registerGetAllTranscriptsRoutes } from './getAllTranscripts/routes.js';
import { registerOnlineMeetingRoutes } from './onlineMeetings/routes.js';
import { registerRecordingRoutes } from './recordings/routes.js';
import './servicesOf.js';
import { registerSubscriptionRoutes } from './subscriptions/routes.js';
import { registerTranscriptRoutes } from './transcripts/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { registerMetadataRoutes } from './metadata/routes.js';

/** Graph's 401 challenge, with the authority being this emulator (clients may follow it to sign in). */
function unauthenticated(request: FastifyRequest, message: string): GraphError {
  const authorize = `${requestOrigin(request)}/common/oauth2/v2.0/authorize`;
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    headers: { 'WWW-Authenticate': `Bearer realm="", authorization_uri="${authorize}", client_id="${GRAPH_APP_ID}"` },
  });
}

async function authenticate(services: GraphServices, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) throw unauthenticated(request, 'Access token is empty.');
  try {
    request.graphState.principal = await services.verifier.verify(token);
  } catch (err) {
    if (err instanceof TokenRejected) throw unauthenticated(request, err.message);
    throw err;
  }
}

/**
 * The Graph routes of both versions, registered under GRAPH_VERSION_PREFIX (http/versions.ts): every
 * request gets its version, origin, Prefer header and principal first.
 */
export function graphPlugin(services: GraphServices) {
  return async (app: FastifyInstance): Promise<void> => {
    app.decorate('graphServices', services);
    app.addHook('onRequest', async (request) => {
      // The prefix's regex admits only the versions, so a routed request always names one.
      request.graphState.version = graphVersionOf(request.params) ?? 'v1.0';
      request.graphState.origin = borrowedOrigin(request.headers[STEP_ORIGIN_HEADER]) ?? originOf(request, services.config.publicUrl);
      request.graphState.prefer = parsePrefer(request.headers.prefer);
      // $metadata and the service document are public, as Graph's are.
      if (request.routeOptions.config.anonymous === true) return;
      await authenticate(services, request);
    });
    registerUserRoutes(app);
    registerOnlineMeetingRoutes(app);
    registerEventRoutes(app);
    registerAttendanceReportRoutes(app);
    registerChatRoutes(app);
    registerCopilotRoutes(app);
    registerRecordingRoutes(app);
    registerTranscriptRoutes(app);
    registerGetAllRecordingsRoutes(app);
    registerGetAllTranscriptsRoutes(app);
    registerCallRecordRoutes(app);
    registerCallRoutes(app);
    registerSubscriptionRoutes(app);
    registerBatchRoutes(app);
    registerMetadataRoutes(app);
  };
}
