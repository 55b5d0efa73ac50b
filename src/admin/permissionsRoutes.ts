import type { FastifyInstance } from 'fastify';
import type { AdminService } from './service.js';
import { errorSchema } from './schemas.js';

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const nullableStr = { type: 'string', nullable: true } as const;

const kindReport = {
  type: 'object',
  description: 'Per permission kind: granted to the app, used by authorized calls, granted but unused, lacked by refused calls, and the minimal set to request for admin consent.',
  properties: { granted: strings, used: strings, unused: strings, missing: strings, minimal: strings },
} as const;

export const permissionsReportSchema = {
  type: 'object',
  properties: {
    tenantId: str,
    clientId: str,
    displayName: str,
    application: kindReport,
    delegated: kindReport,
    resourceSpecific: { ...strings, description: 'RSC permissions (through a Teams app installed in a meeting) that authorized calls.' },
    operations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['application', 'delegated'] },
          operation: { ...str, description: 'Method and Graph route, e.g. GET /v1.0/users/:userId/onlineMeetings/:meetingId/recordings.' },
          outcome: { type: 'string', enum: ['authorized', 'refused'] },
          satisfiedBy: nullableStr,
          via: { type: 'string', enum: ['role', 'scope', 'rsc'], nullable: true },
          accepted: { ...strings, description: 'The permissions the operation accepts for this kind of token, least privileged first.' },
          acceptedRsc: strings,
          accessPolicyMissing: { type: 'boolean' },
          calls: { type: 'integer' },
          lastCallDateTime: str,
        },
      },
    },
  },
} as const;

/** An app's least-privilege report (issue 14 item 9), for CI and the dashboard. */
export function registerPermissionsReportRoutes(app: FastifyInstance, admin: AdminService): void {
  app.get<{ Params: { clientId: string } }>(
    '/_emulator/apps/:clientId/permissions-report',
    {
      schema: {
        tags: ['control'],
        description:
          'The permissions the app was granted against those its Graph calls needed since the emulator started (or the last reset), from the permission tables that authorize requests: ' +
          'for each operation, the permission that satisfied it or, if refused, those that would have; and per kind (application, delegated) the minimal set to request for admin consent.',
        params: { type: 'object', properties: { clientId: { type: 'string', minLength: 1 } }, required: ['clientId'] },
        response: { 200: permissionsReportSchema, 404: errorSchema },
      },
    },
    async (request) => admin.permissionsReport(request.params.clientId),
  );
}
