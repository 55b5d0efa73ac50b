import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenRejected } from '../auth/tokens.js';
import { GRAPH_APP_ID } from '../auth/graphResource.js';
import { bearerToken } from '../auth/jwt.js';
import { GraphError } from '../http/errors.js';
import { parsePrefer } from '../http/odata/prefer.js';
import { originOf } from '../http/requestContext.js';
import type { GraphVersion } from '../http/versions.js';
import type { Services } from '../services.js';
import { registerOnlineMeetingRoutes } from './onlineMeetings/routes.js';
import { registerSubscriptionRoutes } from './subscriptions/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { registerCallRecordRoutes } from './callRecords/routes.js';
import { registerCallRoutes } from './calls/routes.js';
import { registerMeetingArtifactRoutes } from './meetingArtifacts/routes.js';
import { registerGetAllArtifactRoutes } from './getAllArtifacts/routes.js';

/** Graph's 401 challenge, with the authority being this emulator (clients may follow it to sign in). */
function unauthenticated(services: Services, request: FastifyRequest, message: string): GraphError {
  const authorize = `${originOf(request, services.config.publicUrl)}/common/oauth2/v2.0/authorize`;
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    headers: { 'WWW-Authenticate': `Bearer realm="", authorization_uri="${authorize}", client_id="${GRAPH_APP_ID}"` },
  });
}

async function authenticate(services: Services, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) throw unauthenticated(services, request, 'Access token is empty.');
  try {
    request.graphState.principal = await services.verifier.verify(token);
  } catch (err) {
    if (err instanceof TokenRejected) throw unauthenticated(services, request, err.message);
    throw err;
  }
}

/** One Graph version's routes: every request is authenticated and its Prefer header parsed first. */
export function graphPlugin(services: Services, graphVersion: GraphVersion) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', async (request) => {
      request.graphState.version = graphVersion;
      request.graphState.prefer = parsePrefer(request.headers.prefer);
      await authenticate(services, request);
    });
    registerUserRoutes(app, services);
    registerOnlineMeetingRoutes(app, services);
    registerCallRecordRoutes(app, services);
    registerCallRoutes(app, services);
    registerMeetingArtifactRoutes(app, services);
    registerGetAllArtifactRoutes(app, services);
    registerSubscriptionRoutes(app, services);
  };
}
