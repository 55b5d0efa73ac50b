import { registerPermissionsReportRoutes } from './permissionsRoutes.js';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppChanges } from '../domain/apps.js';
import type { NewTeamsAppInstallation } from '../domain/installations.js';
import { DomainError } from '../runtime/errors.js';
import type { FaultRuleInput } from '../runtime/faults.js';
import type { AdminServices } from './adminServices.js';
import { registerDeliveryRoutes } from './deliveries.js';
import * as s from './schemas.js';
import { registerCallAdminRoutes } from './callRoutes.js';
import { checkControlRequest, controlSchemaErrors, MAX_BODY_DEPTH } from './strictBody.js';
import { controlRefusal } from './guard.js';
import { jsonNestsDeeperThan } from '../runtime/jsonDepth.js';
import { registerArtifactControlRoutes } from './artifactRoutes.js';
import { registerDashboardRoutes } from './dashboardRoutes.js';
import { registerSessionRoutes } from './sessionRoutes.js';
import { registerCallViewRoutes } from './callViewRoutes.js';
import { registerAdhocCallViewRoutes } from './adhocCallViews.js';
import { registerUiRoutes } from './uiRoutes.js';
import { registerClockTimerRoutes } from './clockTimers.js';
import type { AdminNewMeeting, AdminService, ClockCommand, MintTokenRequest } from './service.js';

type T = { tenantId: string };
type NewTenantBody = { id?: string; displayName: string; domain?: string };
type NewUserBody = { id?: string; userPrincipalName: string; displayName: string; givenName?: string; surname?: string; mail?: string; jobTitle?: string; password?: string };
type NewAppBody = {
  clientId?: string;
  displayName: string;
  clientSecret?: string;
  applicationPermissions?: string[];
  delegatedPermissions?: string[];
  redirectUris?: string[];
  isFallbackPublicClient?: boolean;
};
type NewPolicyBody = { name: string; appIds: string[]; description?: string; global?: boolean; userIds?: string[] };

const list = (item: object) => ({ type: 'object', properties: { value: { type: 'array', items: item } } }) as const;
const errors = { 400: s.errorSchema, 404: s.errorSchema, 409: s.errorSchema };
const noContent = (reply: FastifyReply): FastifyReply => reply.code(204).send();

/** The control API under /_emulator: JSON in, JSON out, described by /_emulator/openapi.json. */
export async function registerAdminRoutes(app: FastifyInstance, services: AdminServices, admin: AdminService): Promise<void> {
  // The dashboard's files: static, no secrets, so outside the guard (its API calls go through it).
  registerUiRoutes(app);
  await app.register(async (api) => {
    // Before anything reads the body: the admin token, and no driving from a web page (guard.ts).
    api.addHook('onRequest', async (request) => {
      const refusal = controlRefusal(request, services.config);
      if (refusal !== undefined) throw refusal;
    });
    // Scripts often send `content-type: application/json` with no body (POST /reset, DELETE …): that is no body, not bad JSON.
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      // Counted before parsing, so neither JSON.parse's result nor any walk over it is ever deep (strictBody.ts).
      if (jsonNestsDeeperThan(text, MAX_BODY_DEPTH)) return done(new DomainError('invalid', `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`), undefined);
      try {
        done(null, JSON.parse(text) as unknown);
      } catch {
        done(new DomainError('invalid', 'The request body is not valid JSON.'), undefined);
      }
    });
    api.removeContentTypeParser('application/x-www-form-urlencoded'); // JSON only: a form post is a 415
    api.addHook('preValidation', async (request) => checkControlRequest(request.params, request.query, request.body));
    api.setSchemaErrorFormatter(controlSchemaErrors);
    routes(api, services, admin);
  });
}

function routes(app: FastifyInstance, services: AdminServices, admin: AdminService): void {
  const tags = ['control'];
  const tenant = { tags, params: s.tenantParams };

  app.get(
    '/_emulator/health',
    { schema: { tags, description: 'ok, or degraded with the reason (the store out of space: writes answer 507 until one gets through).', response: { 200: s.healthSchema } } },
    async () => services.store.space.state(),
  );
  app.get('/_emulator/openapi.json', { schema: { tags, description: 'This document.' } }, async () => app.openApiDocument());
  app.get('/_emulator/demo', { schema: { tags, response: { 200: s.demoSchema, 404: s.errorSchema } } }, async () => {
    if (!services.config.demo) throw new DomainError('notFound', 'The emulator was started without the demo tenant (--no-demo).');
    return admin.demo();
  });
  app.get(
    '/_emulator/ca.pem',
    { schema: { tags, description: 'The local CA certificate (PEM) to trust, e.g. with NODE_EXTRA_CA_CERTS.', response: { 404: s.errorSchema } } },
    async (_request, reply) => {
      if (services.caCertificatePem === undefined) throw new DomainError('notFound', 'The emulator serves plain HTTP (--http): there is no CA.');
      return reply.type('application/x-pem-file').send(services.caCertificatePem);
    },
  );

  // Directory
  app.get('/_emulator/tenants', { schema: { tags, response: { 200: list(s.tenantSchema) } } }, async () => ({ value: await admin.listTenants() }));
  app.post<{ Body: NewTenantBody }>('/_emulator/tenants', { schema: { tags, body: s.newTenantSchema, response: { 201: s.tenantSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await admin.createTenant(request.body)),
  );
  app.get<{ Params: T }>('/_emulator/tenants/:tenantId', { schema: { ...tenant, response: { 200: s.tenantSchema, ...errors } } }, async (request) => admin.getTenant(request.params.tenantId));
  app.delete<{ Params: T }>('/_emulator/tenants/:tenantId', { schema: { ...tenant, response: errors } }, async (request, reply) => {
    await admin.deleteTenant(request.params.tenantId);
    return noContent(reply);
  });

  app.get<{ Params: T }>('/_emulator/tenants/:tenantId/users', { schema: { ...tenant, response: { 200: list(s.userSchema), ...errors } } }, async (request) => ({
    value: await admin.listUsers(request.params.tenantId),
  }));
  app.post<{ Params: T; Body: NewUserBody }>(
    '/_emulator/tenants/:tenantId/users',
    { schema: { ...tenant, body: s.newUserSchema, response: { 201: s.userSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createUser({ ...request.body, tenantId: request.params.tenantId })),
  );
  app.delete<{ Params: T & { userId: string } }>('/_emulator/tenants/:tenantId/users/:userId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteUser(request.params.tenantId, request.params.userId);
    return noContent(reply);
  });

  app.get<{ Params: T }>('/_emulator/tenants/:tenantId/apps', { schema: { ...tenant, response: { 200: list(s.appSchema), ...errors } } }, async (request) => ({
    value: await admin.listApps(request.params.tenantId),
  }));
  app.post<{ Params: T; Body: NewAppBody }>('/_emulator/tenants/:tenantId/apps', { schema: { ...tenant, body: s.newAppSchema, response: { 201: s.appSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await admin.createApp({ ...request.body, tenantId: request.params.tenantId })),
  );
  app.patch<{ Params: T & { clientId: string }; Body: AppChanges }>(
    '/_emulator/tenants/:tenantId/apps/:clientId',
    { schema: { tags, body: s.appChangesSchema, response: { 200: s.appSchema, ...errors } } },
    async (request) => admin.updateApp(request.params.tenantId, request.params.clientId, request.body),
  );
  app.delete<{ Params: T & { clientId: string } }>('/_emulator/tenants/:tenantId/apps/:clientId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteApp(request.params.tenantId, request.params.clientId);
    return noContent(reply);
  });

  app.get<{ Params: T }>('/_emulator/tenants/:tenantId/accessPolicies', { schema: { ...tenant, response: { 200: list(s.accessPolicySchema), ...errors } } }, async (request) => ({
    value: await admin.listAccessPolicies(request.params.tenantId),
  }));
  app.post<{ Params: T; Body: NewPolicyBody }>(
    '/_emulator/tenants/:tenantId/accessPolicies',
    { schema: { ...tenant, body: s.newAccessPolicySchema, response: { 201: s.accessPolicySchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createAccessPolicy({ ...request.body, tenantId: request.params.tenantId })),
  );
  app.delete<{ Params: T & { policyId: string } }>('/_emulator/tenants/:tenantId/accessPolicies/:policyId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteAccessPolicy(request.params.tenantId, request.params.policyId);
    return noContent(reply);
  });

  app.get<{ Params: T }>('/_emulator/tenants/:tenantId/teamsAppInstallations', { schema: { ...tenant, response: { 200: list(s.installationSchema), ...errors } } }, async (request) => ({
    value: await admin.listTeamsAppInstallations(request.params.tenantId),
  }));
  app.post<{ Params: T; Body: NewTeamsAppInstallation }>(
    '/_emulator/tenants/:tenantId/teamsAppInstallations',
    { schema: { ...tenant, body: s.newInstallationSchema, response: { 201: s.installationSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.installTeamsApp(request.params.tenantId, request.body)),
  );
  app.delete<{ Params: T & { installationId: string } }>('/_emulator/tenants/:tenantId/teamsAppInstallations/:installationId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.uninstallTeamsApp(request.params.tenantId, request.params.installationId);
    return noContent(reply);
  });

  app.get<{ Params: T; Querystring: { organizerId?: string } }>(
    '/_emulator/tenants/:tenantId/meetings',
    { schema: { ...tenant, querystring: s.meetingQuery, response: { 200: list(s.meetingSchema), ...errors } } },
    async (request) => ({ value: await admin.listMeetings(request.params.tenantId, request.query.organizerId) }),
  );
  app.post<{ Params: T; Body: Omit<AdminNewMeeting, 'tenantId'> }>(
    '/_emulator/tenants/:tenantId/meetings',
    { schema: { ...tenant, body: s.newMeetingSchema, response: { 201: s.meetingSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await admin.createMeeting({ ...request.body, tenantId: request.params.tenantId })),
  );
  app.delete<{ Params: T & { meetingId: string } }>('/_emulator/tenants/:tenantId/meetings/:meetingId', { schema: { tags, response: errors } }, async (request, reply) => {
    await admin.deleteMeeting(request.params.tenantId, request.params.meetingId);
    return noContent(reply);
  });

  // Clock
  app.get('/_emulator/clock', { schema: { tags, response: { 200: s.clockSchema } } }, async () => admin.clock());
  app.post<{ Body: ClockCommand }>('/_emulator/clock', { schema: { tags, body: s.clockCommandSchema, response: { 200: s.clockSchema, ...errors } } }, async (request) => admin.moveClock(request.body));
  registerClockTimerRoutes(app, admin);

  // Faults
  app.get('/_emulator/faults', { schema: { tags, response: { 200: list(s.faultSchema) } } }, async () => ({ value: admin.listFaults() }));
  app.post<{ Body: FaultRuleInput }>('/_emulator/faults', { schema: { tags, body: s.newFaultSchema, response: { 201: s.faultSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(admin.addFault(request.body)),
  );
  app.get<{ Params: { faultId: string } }>('/_emulator/faults/:faultId', { schema: { tags, response: { 200: s.faultSchema, ...errors } } }, async (request) => admin.getFault(request.params.faultId));
  app.delete<{ Params: { faultId: string } }>('/_emulator/faults/:faultId', { schema: { tags, response: errors } }, async (request, reply) => {
    admin.removeFault(request.params.faultId);
    return noContent(reply);
  });
  app.delete('/_emulator/faults', { schema: { tags } }, async (_request, reply) => {
    admin.clearFaults();
    return noContent(reply);
  });

  // Tokens
  app.post<{ Body: MintTokenRequest }>('/_emulator/tokens', { schema: { tags, body: s.mintTokenSchema, response: { 200: s.tokenSchema, ...errors } } }, async (request) =>
    admin.mintToken(request.body),
  );

  registerCallAdminRoutes(app, admin);
  // Meetings and ad hoc calls happening; metered-API usage
  registerArtifactControlRoutes(app, admin);
  // Least privilege per app
  registerPermissionsReportRoutes(app, admin);
  // Change notifications
  registerDeliveryRoutes(app, admin);
  // What the dashboard reads: recorded requests, live events, subscriptions, artifacts' bytes
  registerDashboardRoutes(app, services, admin);
  registerSessionRoutes(app, services);
  // The dashboard's Call records and Live calls pages
  registerCallViewRoutes(app, services.ctx);
  registerAdhocCallViewRoutes(app, services.ctx);

  // Reset
  app.post('/_emulator/reset', { schema: { tags, response: { 200: s.demoSchema } } }, async () => admin.reset());
}
