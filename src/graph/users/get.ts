import type { FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS, type PermissionRule } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { findUser } from '../../domain/users.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, selectedSet, sendGraphJson } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { selectUser, toGraphUser, USER_PROPERTIES } from './shape.js';

type UserParams = { userId?: string };
type Req = FastifyRequest<{ Params: UserParams }>;

const SELECT_SPEC = { select: { properties: USER_PROPERTIES, typeName: 'microsoft.graph.user' } } as const;

const isSelf = (principal: Principal, key: string): boolean =>
  principal.kind === 'delegated' && (key.toLowerCase() === principal.objectId.toLowerCase() || key.toLowerCase() === principal.userPrincipalName?.toLowerCase());

/** Directory (AAD) errors carry their own codes (Request_ResourceNotFound, Authorization_RequestDenied). */
async function authorizeDirectoryRead(services: GraphServices, request: Req, rule: PermissionRule): Promise<void> {
  try {
    await authorize(services, request, rule);
  } catch (err) {
    if (err instanceof GraphError && err.status === 403) throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    throw err;
  }
}

/** GET /users/{id | userPrincipalName} and GET /me (https://learn.microsoft.com/graph/api/user-get). */
export async function getUser(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const principal = principalOf(request);
  const userIdOrUpn = request.params.userId;
  if (userIdOrUpn === undefined && principal.kind !== 'delegated') {
    throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  const options = parseQueryOptions(request.query as QueryInput, SELECT_SPEC);
  const key = userIdOrUpn ?? principal.objectId;
  await authorizeDirectoryRead(services, request, isSelf(principal, key) ? PERMISSIONS.userReadSelf : PERMISSIONS.userRead);
  const user = await findUser(services.ctx, principal.tenantId, key);
  if (user === undefined) {
    throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  const body = options.select === undefined ? toGraphUser(user) : selectUser(user, options.select);
  const context = contextUrl(request, `${selectedSet('users', options.select)}/$entity`);
  return sendGraphJson(request, reply, 200, { '@odata.context': context, ...body });
}
