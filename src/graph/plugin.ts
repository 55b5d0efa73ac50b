import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenRejected } from '../auth/tokens.js';
import { GraphError } from '../http/errors.js';
import { parsePrefer } from '../http/odata/prefer.js';
import type { GraphVersion } from '../http/versions.js';
import type { Services } from '../services.js';
import { registerOnlineMeetingRoutes } from './onlineMeetings/routes.js';
import { registerUserRoutes } from './users/routes.js';

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

const unauthenticated = (message: string): GraphError =>
  new GraphError(401, 'InvalidAuthenticationToken', message, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });

async function authenticate(services: Services, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw unauthenticated('Access token is empty.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw unauthenticated('Access token is empty.');
  try {
    request.graphState.principal = await services.verifier.verify(match[1]!);
  } catch (err) {
    if (err instanceof TokenRejected) throw unauthenticated(err.message);
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
  };
}
