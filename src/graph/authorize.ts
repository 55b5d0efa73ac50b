import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/principal.js';
import type { PermissionRule } from '../domain/permissions.js';
import { rscPermissionsInMeeting } from '../domain/installations.js';
import type { User } from '../domain/users.js';
import { GraphError } from '../http/errors.js';
import { versionedRouteUrl } from '../http/versions.js';
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

/** The method and route that asked (`GET /v1.0/users/:userId/onlineMeetings/:meetingId/recordings`), for the permissions report. */
const operationOf = (request: FastifyRequest): string => {
  const url = request.routeOptions.url;
  return `${request.method} ${url !== undefined ? versionedRouteUrl(url, request.graphState.version ?? 'v1.0') : (request.url.split('?')[0] ?? '')}`;
};

type Decision = { outcome: 'authorized'; satisfiedBy: string; via: GrantedBy; accessPolicyMissing?: boolean } | { outcome: 'refused'; accessPolicyMissing?: boolean };

/**
 * Authorize a Graph call as the seeds' permission tables say: app roles or delegated scopes, RSC
 * through a Teams app installed in the meeting, and application access policies for the path's user.
 * Each decision is noted in the permission ledger (which permission satisfied the rule, or that none
 * did), from which `/_emulator/apps/{clientId}/permissions-report` is made.
 */
export async function authorize(services: GraphServices, request: FastifyRequest, rule: PermissionRule, target: AuthorizationTarget = {}): Promise<GrantedBy> {
  const principal = principalOf(request);
  const note = (d: Decision): void =>
    services.permissionLedger.record(
      {
        tenantId: principal.tenantId,
        clientId: principal.clientId,
        kind: principal.kind,
        operation: operationOf(request),
        outcome: d.outcome,
        satisfiedBy: d.outcome === 'authorized' ? d.satisfiedBy : null,
        via: d.outcome === 'authorized' ? d.via : null,
        accessPolicyMissing: d.accessPolicyMissing === true,
        rule,
      },
      services.ctx.clock.now(),
    );
  if (principal.kind === 'delegated') {
    // Rules list the least privileged permission first: that is the one a token holding several used.
    const scope = (rule.delegated ?? []).find((p) => principal.scopes.has(p));
    if (scope === undefined) {
      note({ outcome: 'refused' });
      throw insufficient();
    }
    note({ outcome: 'authorized', satisfiedBy: scope, via: 'scope' });
    return 'scope';
  }
  const role = (rule.application ?? []).find((p) => principal.roles.has(p));
  if (role !== undefined) {
    if (rule.needsAccessPolicy === true && target.userId !== undefined) {
      const allowed = await cachedAppAllowedForUser(services, principal.tenantId, principal.clientId, target.userId);
      if (!allowed) {
        note({ outcome: 'authorized', satisfiedBy: role, via: 'role', accessPolicyMissing: true });
        throw new GraphError(403, 'Forbidden', 'No application access policy found for this app.');
      }
    }
    note({ outcome: 'authorized', satisfiedBy: role, via: 'role' });
    return 'role';
  }
  if (rule.rsc !== undefined && target.meetingId !== undefined) {
    const held = await rscPermissionsInMeeting(services.ctx, target.meetingId, principal.clientId);
    const rsc = rule.rsc.find((p) => held.includes(p));
    if (rsc !== undefined) {
      note({ outcome: 'authorized', satisfiedBy: rsc, via: 'rsc' });
      return 'rsc';
    }
  }
  note({ outcome: 'refused' });
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
