import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../../auth/permissions.js';
import { findUser, type User } from '../../domain/users.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import type { Services } from '../../services.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, sendGraphJson } from '../respond.js';

const USER_PROPERTIES = [
  'id', 'displayName', 'userPrincipalName', 'mail', 'givenName', 'surname', 'jobTitle', 'businessPhones',
  'mobilePhone', 'officeLocation', 'preferredLanguage',
] as const;

export function toGraphUser(user: User): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

type UserParams = { userId?: string };

/** GET /users/{id | userPrincipalName} and GET /me. */
export function registerUserRoutes(app: FastifyInstance, services: Services): void {
  const handler = async (request: FastifyRequest<{ Params: UserParams }>, reply: import('fastify').FastifyReply) => {
    const principal = principalOf(request);
    const userIdOrUpn = request.params.userId;
    if (userIdOrUpn === undefined && principal.kind !== 'delegated') {
      throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    const options = parseQueryOptions(request.query as Record<string, string>, { select: { properties: USER_PROPERTIES, typeName: 'microsoft.graph.user' } });
    const key = userIdOrUpn ?? principal.objectId;
    const isSelf = principal.kind === 'delegated' && key === principal.objectId;
    // Reading your own profile needs only User.Read; anyone else needs a directory permission.
    if (!(isSelf && principal.scopes.has('User.Read'))) await authorize(services, request, PERMISSIONS.userRead);
    const user = await findUser(services.ctx, principal.tenantId, key);
    if (user === undefined) {
      throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const body = toGraphUser(user);
    const selected = options.select === undefined ? body : applySelect(body, options.select, []);
    const fragment = options.select === undefined ? 'users/$entity' : `users(${options.select.join(',')})/$entity`;
    return sendGraphJson(request, reply, 200, { '@odata.context': contextUrl(request, services.config.publicUrl, fragment), ...selected });
  };
  app.get('/me', handler);
  app.get('/users/:userId', handler);
}
