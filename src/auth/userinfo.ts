import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUser } from '../domain/users.js';
import { GraphError } from '../http/errors.js';
import type { IdentityServices } from './identityServices.js';
import { bearerToken } from '../http/bearer.js';
import { TokenRejected } from './verifier.js';

const unauthenticated = (message: string): GraphError => new GraphError(401, 'InvalidAuthenticationToken', message);

/**
 * The OIDC UserInfo endpoint the discovery document names. Like Entra's (served by Graph), it takes
 * a delegated Graph access token; `sub` matches the ID token's.
 */
export function registerUserInfoEndpoint(app: FastifyInstance, services: IdentityServices): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthenticated('Access token is empty.');
    const principal = await services.verifier.verify(token).catch((err: unknown) => {
      throw err instanceof TokenRejected ? unauthenticated(err.message) : err;
    });
    if (principal.kind !== 'delegated') throw unauthenticated('UserInfo needs a token issued to a signed-in user.');
    const user = await findUser(services.ctx, principal.tenantId, principal.objectId);
    if (user === undefined) throw unauthenticated('The signed-in user no longer exists.');
    return reply.header('cache-control', 'no-store').send({
      sub: user.id,
      name: user.displayName,
      ...(user.givenName !== null ? { given_name: user.givenName } : {}),
      ...(user.surname !== null ? { family_name: user.surname } : {}),
      email: user.mail ?? user.userPrincipalName,
    });
  };
  app.get('/oidc/userinfo', handle);
  app.post('/oidc/userinfo', handle);
}
