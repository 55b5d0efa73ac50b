import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { AccessPolicy } from '../domain/accessPolicies.js';
import type { App, AppChanges } from '../domain/apps.js';
import type { MeetingKind } from '../domain/meetings.js';
import { findUser } from '../domain/users.js';
import { DomainError } from '../domain/errors.js';
import type { FaultRuleInput } from '../simulation/faults.js';
import type { Services } from '../services.js';
import * as s from './schemas.js';
import type { AdminService, ClockCommand, MintTokenRequest } from './service.js';

type TenantParams = { tenantId: string };

const list = (item: object) => ({ type: 'object', properties: { value: { type: 'array', items: item } } }) as const;
const errors = { 400: s.errorSchema, 404: s.errorSchema, 409: s.errorSchema };

/** The control API under /_emulator (DESIGN.md): JSON in, JSON out, described by /_emulator/openapi.json. */
export function registerAdminRoutes(app: FastifyInstance, services: Services, admin: AdminService): void {
  const tags = ['control'];

  app.get('/_emulator/health', { schema: { tags, response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));
  app.get('/_emulator/demo', { schema: { tags, response: { 200: s.demoSchema } } }, async () => admin.demo());
  app.get('/_emulator/ca.pem', { schema: { tags, produces: ['application/x-pem-file'] } }, async (request, reply) => {
    if (services.caCertificatePem === undefined) throw new DomainError('notFound', 'The emulator serves plain HTTP (--http): there is no CA.');
    return reply.type('application/x-pem-file').send(services.caCertificatePem);
  });

  // Directory
  app.get('/_emulator/tenants', { schema: { tags, response: { 200: list(s.tenantSchema) } } }, async () => ({ value: await admin.listTenants() }));
  app.post<{ Body: { id?: string; displayName: string; domain?: string } }>(
    '/_emulator/tenants',
    { schema: { tags, body: s.newTenantSchema, response: { 201: s.tenantSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createTenant(request.body)),
  );
  app.delete<{ Params: TenantParams }>('/_emulator/tenants/:tenantId', { schema: { tags, params: s.tenantParams, response: errors } }, async (request, reply) => {
    await admin.deleteTenant(request.params.tenantId);
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>('/_emulator/tenants/:tenantId/users', { schema: { tags, params: s.tenantParams, response: { 200: list(s.userSchema), ...errors } } }, async (request) => ({
    value: await admin.listUsers(request.params.tenantId),
  }));
  app.post<{ Params: TenantParams; Body: { id?: string; userPrincipalName: string; displayName: string; givenName?: string; surname?: string; mail?: string; jobTitle?: string; password?: string } }>(
    '/_emulator/tenants/:tenantId/users',
    { schema: { tags, params: s.tenantParams, body: s.newUserSchema, response: { 201: s.userSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createUser({ ...request.body, tenantId: request.params.tenantId })),
  );
  app.delete<{ Params: TenantParams & { userId: string } }>('/_emulator/tenants/:tenantId/users/:userId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteUser(request.params.tenantId, request.params.userId);
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>('/_emulator/tenants/:tenantId/apps', { schema: { tags, params: s.tenantParams, response: { 200: list(s.appSchema), ...errors } } }, async (request) => ({
    value: await admin.listApps(request.params.tenantId),
  }));
  app.post<{ Params: TenantParams; Body: Omit<Parameters<AdminService['createApp']>[0], 'tenantId'> }>(
    '/_emulator/tenants/:tenantId/apps',
    { schema: { tags, params: s.tenantParams, body: s.newAppSchema, response: { 201: s.appSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createApp({ ...request.body, tenantId: request.params.tenantId }) satisfies App),
  );
  app.patch<{ Params: TenantParams & { clientId: string }; Body: AppChanges }>(
    '/_emulator/tenants/:tenantId/apps/:clientId',
    { schema: { tags, body: s.appChangesSchema, response: { 200: s.appSchema, ...errors } } },
    async (request) => admin.updateApp(request.params.tenantId, request.params.clientId, request.body),
  );
  app.delete<{ Params: TenantParams & { clientId: string } }>('/_emulator/tenants/:tenantId/apps/:clientId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteApp(request.params.tenantId, request.params.clientId);
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>('/_emulator/tenants/:tenantId/accessPolicies', { schema: { tags, params: s.tenantParams, response: { 200: list(s.accessPolicySchema), ...errors } } }, async (request) => ({
    value: await admin.listAccessPolicies(request.params.tenantId),
  }));
  app.post<{ Params: TenantParams; Body: { name: string; appIds: string[]; description?: string; global?: boolean; userIds?: string[] } }>(
    '/_emulator/tenants/:tenantId/accessPolicies',
    { schema: { tags, params: s.tenantParams, body: s.newAccessPolicySchema, response: { 201: s.accessPolicySchema, ...errors } } },
    async (request, reply) => reply.code(201).send((await admin.createAccessPolicy({ ...request.body, tenantId: request.params.tenantId })) satisfies AccessPolicy),
  );
  app.delete<{ Params: TenantParams & { policyId: string } }>('/_emulator/tenants/:tenantId/accessPolicies/:policyId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteAccessPolicy(request.params.tenantId, request.params.policyId);
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>('/_emulator/tenants/:tenantId/teamsAppInstallations', { schema: { tags, params: s.tenantParams, response: { 200: list(s.installationSchema), ...errors } } }, async (request) => ({
    value: await admin.listTeamsAppInstallations(request.params.tenantId),
  }));
  app.post<{ Params: TenantParams; Body: { meetingId: string; clientId: string; teamsAppId?: string; rscPermissions: string[] } }>(
    '/_emulator/tenants/:tenantId/teamsAppInstallations',
    { schema: { tags, params: s.tenantParams, body: s.newInstallationSchema, response: { 201: s.installationSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.installTeamsApp(request.params.tenantId, request.body)),
  );
  app.delete<{ Params: TenantParams & { installationId: string } }>(
    '/_emulator/tenants/:tenantId/teamsAppInstallations/:installationId',
    { schema: { tags, response: errors } },
    async (request, reply) => {
      await admin.uninstallTeamsApp(request.params.tenantId, request.params.installationId);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: TenantParams; Querystring: { organizerId?: string } }>(
    '/_emulator/tenants/:tenantId/meetings',
    { schema: { tags, params: s.tenantParams, querystring: { type: 'object', properties: { organizerId: { type: 'string' } } }, response: { 200: list(s.meetingSchema), ...errors } } },
    async (request) => ({ value: await admin.listMeetings(request.params.tenantId, request.query.organizerId) }),
  );
  app.post<{ Params: TenantParams; Body: { organizerId: string; subject?: string; startDateTime?: string; endDateTime?: string; externalId?: string; kind?: MeetingKind; hasCalendarEvent?: boolean; attendeeIds?: string[] } }>(
    '/_emulator/tenants/:tenantId/meetings',
    { schema: { tags, params: s.tenantParams, body: s.newMeetingSchema, response: { 201: s.meetingSchema, ...errors } } },
    async (request, reply) => {
      const { tenantId } = request.params;
      const { attendeeIds, ...rest } = request.body;
      const attendees = [];
      for (const id of attendeeIds ?? []) {
        const user = await findUser(services.ctx, tenantId, id);
        if (user === undefined) throw new DomainError('notFound', `User '${id}' was not found in tenant '${tenantId}'.`);
        attendees.push({ userId: user.id, upn: user.userPrincipalName, displayName: user.displayName, role: 'attendee' });
      }
      return reply.code(201).send(await admin.createMeeting({ ...rest, tenantId, settings: { attendees } }));
    },
  );

  // Clock
  app.get('/_emulator/clock', { schema: { tags, response: { 200: s.clockSchema } } }, async () => admin.clock());
  app.post<{ Body: ClockCommand }>('/_emulator/clock', { schema: { tags, body: s.clockCommandSchema, response: { 200: s.clockSchema, ...errors } } }, async (request) =>
    admin.moveClock(request.body),
  );

  // Faults
  app.get('/_emulator/faults', { schema: { tags, response: { 200: list(s.faultSchema) } } }, async () => ({ value: admin.listFaults() }));
  app.post<{ Body: FaultRuleInput }>('/_emulator/faults', { schema: { tags, body: s.newFaultSchema, response: { 201: s.faultSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(admin.addFault(request.body)),
  );
  app.delete<{ Params: { faultId: string } }>('/_emulator/faults/:faultId', { schema: { tags, response: errors } }, async (request, reply) => {
    admin.removeFault(request.params.faultId);
    return reply.code(204).send();
  });
  app.delete('/_emulator/faults', { schema: { tags } }, async (_request, reply) => {
    admin.clearFaults();
    return reply.code(204).send();
  });

  // Tokens
  app.post<{ Body: MintTokenRequest }>(
    '/_emulator/tokens',
    { schema: { tags, body: s.mintTokenSchema, response: { 200: { type: 'object', properties: { access_token: { type: 'string' }, expires_on: { type: 'integer' } } }, ...errors } } },
    async (request) => admin.mintToken(request.body),
  );

  // Reset
  app.post('/_emulator/reset', { schema: { tags, response: { 200: s.demoSchema } } }, async () => admin.reset());
}
