import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/principal.js';
import type { PermissionRule } from '../domain/permissions.js';
import { rscPermissionsInMeeting } from '../domain/installations.js';
import type { User } from '../domain/users.js';
import { GraphError } from '../http/errors.js';
import type { GraphServices } from './graphServices.js';
import { cachedAppAllowedForUser, cachedUser } from './cachedReads.js';

export function principalOf(request: FastifyRequest): Principal {
  const principal = request.graphState.principal;
  if (principal === undefined) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  return principal;
}

const insufficient = (): GraphError => new GraphError(403, 'Forbidden', 'Insufficient privileges to complete the operation.');

export interface AuthorizationTarget {
  /** The user in the request path: application access policies are checked for this user. */
  userId?: string;
  /** The meeting the request reads: resource-specific consent is looked up for this meeting. */
  meetingId?: string;
}

export type GrantedBy = 'role' | 'scope' | 'rsc';

/**
 * Authorize a Graph call as the seeds' permission tables say: app roles or delegated scopes, RSC
 * through a Teams app installed in the meeting, and application access policies for the path's user.
 */
export async function authorize(services: GraphServices, request: FastifyRequest, rule: PermissionRule, target: AuthorizationTarget = {}): Promise<GrantedBy> {
  const principal = principalOf(request);
  if (principal.kind === 'delegated') {
    if (rule.delegated === null) throw insufficient();
    if (!rule.delegated.some((p) => principal.scopes.has(p))) throw insufficient();
    return 'scope';
  }
  if (rule.application !== null && rule.application.some((p) => principal.roles.has(p))) {
    if (rule.needsAccessPolicy === true && target.userId !== undefined) {
      const allowed = await cachedAppAllowedForUser(services, principal.tenantId, principal.clientId, target.userId);
      if (!allowed) throw new GraphError(403, 'Forbidden', 'No application access policy found for this app.');
    }
    return 'role';
  }
  if (rule.rsc !== undefined && target.meetingId !== undefined) {
    const held = await rscPermissionsInMeeting(services.ctx, target.meetingId, principal.clientId);
    if (rule.rsc.some((p) => held.includes(p))) return 'rsc';
  }
  throw insufficient();
}

/**
 * Resolve `{me}`: `/me` needs a delegated token; `/users/{id or UPN}` must exist in the caller's
 * tenant, and a delegated caller may only name themselves.
 */
export async function resolvePathUser(services: GraphServices, request: FastifyRequest, userIdOrUpn: string | undefined): Promise<User> {
  const principal = principalOf(request);
  if (userIdOrUpn === undefined) {
    if (principal.kind !== 'delegated') throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  const key = userIdOrUpn ?? principal.objectId;
  const user = await cachedUser(services, principal.tenantId, key);
  if (user === undefined) {
    throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  if (principal.kind === 'delegated' && user.id !== principal.objectId) {
    throw new GraphError(403, 'Forbidden', 'Delegated callers can only access their own resources through this path.');
  }
  return user;
}
