import type { AdminService } from './service.js';

/** AdminService's methods that are control-API operations (not its private helpers). */
export type AdminOperation = {
  [K in keyof AdminService]: AdminService[K] extends (...args: never[]) => unknown ? K : never;
}[keyof AdminService];

/**
 * The control API's operations: `METHOD path` (Fastify's form) → the `emulator.admin` method that does
 * the same in process. It is each route's operationId in /_emulator/openapi.json, and a test checks
 * both ways that every operation there has its method and every method here its operation.
 */
export const ADMIN_OPERATIONS = {
  'GET /_emulator/demo': 'demo',
  'GET /_emulator/tenants': 'listTenants',
  'POST /_emulator/tenants': 'createTenant',
  'GET /_emulator/tenants/:tenantId': 'getTenant',
  'DELETE /_emulator/tenants/:tenantId': 'deleteTenant',
  'GET /_emulator/tenants/:tenantId/users': 'listUsers',
  'POST /_emulator/tenants/:tenantId/users': 'createUser',
  'DELETE /_emulator/tenants/:tenantId/users/:userId': 'deleteUser',
  'GET /_emulator/tenants/:tenantId/apps': 'listApps',
  'POST /_emulator/tenants/:tenantId/apps': 'createApp',
  'PATCH /_emulator/tenants/:tenantId/apps/:clientId': 'updateApp',
  'DELETE /_emulator/tenants/:tenantId/apps/:clientId': 'deleteApp',
  'GET /_emulator/tenants/:tenantId/accessPolicies': 'listAccessPolicies',
  'POST /_emulator/tenants/:tenantId/accessPolicies': 'createAccessPolicy',
  'DELETE /_emulator/tenants/:tenantId/accessPolicies/:policyId': 'deleteAccessPolicy',
  'GET /_emulator/tenants/:tenantId/teamsAppInstallations': 'listTeamsAppInstallations',
  'POST /_emulator/tenants/:tenantId/teamsAppInstallations': 'installTeamsApp',
  'DELETE /_emulator/tenants/:tenantId/teamsAppInstallations/:installationId': 'uninstallTeamsApp',
  'GET /_emulator/tenants/:tenantId/meetings': 'listMeetings',
  'POST /_emulator/tenants/:tenantId/meetings': 'createMeeting',
  'DELETE /_emulator/tenants/:tenantId/meetings/:meetingId': 'deleteMeeting',
  'GET /_emulator/clock': 'clock',
  'POST /_emulator/clock': 'moveClock',
  'GET /_emulator/clock/timers': 'clockTimers',
  'GET /_emulator/faults': 'listFaults',
  'POST /_emulator/faults': 'addFault',
  'GET /_emulator/faults/:faultId': 'getFault',
  'DELETE /_emulator/faults/:faultId': 'removeFault',
  'DELETE /_emulator/faults': 'clearFaults',
  'POST /_emulator/tokens': 'mintToken',
  'POST /_emulator/meetings/:meetingId/simulate': 'simulateMeeting',
  'POST /_emulator/tenants/:tenantId/adhocCalls': 'simulateAdhocCall',
  'GET /_emulator/tenants/:tenantId/calls': 'listCalls',
  'POST /_emulator/tenants/:tenantId/calls': 'startCall',
  'POST /_emulator/calls/:callId/apps': 'joinCall',
  'POST /_emulator/calls/:callId/end': 'endCall',
  'GET /_emulator/calls/:callId/recordingStatus': 'recordingStatus',
  'POST /_emulator/calls/:callId/botRecordings': 'addBotRecording',
  'POST /_emulator/calls/:callId/callRecord': 'createCallRecord',
  'GET /_emulator/tenants/:tenantId/callRecords/:recordId': 'getCallRecord',
  'POST /_emulator/tenants/:tenantId/callRecords/:recordId/lateTelemetry': 'addLateTelemetry',
  'POST /_emulator/tenants/:tenantId/pstnCalls': 'simulatePstnCalls',
  'GET /_emulator/usage': 'usage',
  'GET /_emulator/apps/:clientId/permissions-report': 'permissionsReport',
  'GET /_emulator/deliveries': 'deliveries',
  'POST /_emulator/deliveries/flush': 'flushDeliveries',
  'POST /_emulator/reset': 'reset',
} as const satisfies Record<string, AdminOperation>;

/** Control-API routes with no `emulator.admin` method: the library has these as properties of the emulator. */
export const HTTP_ONLY_OPERATIONS = {
  'GET /_emulator/health': 'health',
  'GET /_emulator/openapi.json': 'openApiDocument',
  'GET /_emulator/ca.pem': 'caCertificate',
  // The dashboard's reads (admin/dashboardRoutes.ts); in process: emulator.internals.services.requests and the store.
  'GET /_emulator/requests': 'listRecordedRequests',
  'GET /_emulator/requests/:id': 'getRecordedRequest',
  'DELETE /_emulator/requests': 'clearRecordedRequests',
  'PUT /_emulator/requests/recording': 'setRequestRecording',
  'GET /_emulator/subscriptions': 'listAllSubscriptions',
  'GET /_emulator/meetings/:meetingId/artifacts': 'listMeetingArtifacts',
  'GET /_emulator/recordings/:id/content': 'getRecordingContent',
  'GET /_emulator/transcripts/:id/content': 'getTranscriptContent',
  'GET /_emulator/transcripts/:id/metadataContent': 'getTranscriptMetadataContent',
  'GET /_emulator/events': 'events',
  // The dashboard's session when the control API needs the admin token (admin/sessionRoutes.ts).
  'GET /_emulator/session': 'getDashboardSession',
  'POST /_emulator/session': 'startDashboardSession',
  // The Call records and Live calls pages' reads (admin/callViewRoutes.ts, admin/callViews.ts).
  'GET /_emulator/tenants/:tenantId/callRecords': 'listCallRecords',
  'GET /_emulator/tenants/:tenantId/callRecords/:recordId/detail': 'getCallRecordDetail',
  'GET /_emulator/tenants/:tenantId/pstnCalls': 'listPstnCalls',
  'GET /_emulator/tenants/:tenantId/callActivity': 'listCallActivity',
  // The Meetings page's ad hoc calls (admin/adhocCallViews.ts).
  'GET /_emulator/tenants/:tenantId/adhocCalls': 'listAdhocCalls',
} as const;

/** The operationId of a control-API route, or undefined for any other route. */
export function operationIdOf(method: string, url: string): string | undefined {
  const key = `${method.toUpperCase()} ${url}`;
  return (ADMIN_OPERATIONS as Record<string, string>)[key] ?? (HTTP_ONLY_OPERATIONS as Record<string, string>)[key];
}
