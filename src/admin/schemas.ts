/**
 * JSON Schemas of the control API: Fastify validates requests with them and @fastify/swagger turns
 * them into /_emulator/openapi.json.
 */
const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;
const uuid = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: str,
        message: str,
        target: str,
        details: { type: 'array', items: { type: 'object', properties: { code: str, message: str, target: str } } },
        innerError: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export const healthSchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok', 'degraded'] }, reason: { type: 'string' }, since: { type: 'string', format: 'date-time' } },
} as const;

export const tokenSchema = { type: 'object', properties: { access_token: str, expires_on: { type: 'integer' } } } as const;

export const tenantSchema = {
  type: 'object',
  properties: { id: str, displayName: str, domain: str, createdDateTime: str },
} as const;
export const newTenantSchema = {
  type: 'object',
  required: ['displayName'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, displayName: { type: 'string', minLength: 1, maxLength: 256 }, domain: { type: 'string', pattern: '^[A-Za-z0-9.-]+$', maxLength: 253 } },
} as const;

export const userSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    userPrincipalName: str,
    displayName: str,
    givenName: { type: ['string', 'null'] },
    surname: { type: ['string', 'null'] },
    mail: { type: ['string', 'null'] },
    jobTitle: { type: ['string', 'null'] },
    password: str,
  },
} as const;
export const newUserSchema = {
  type: 'object',
  required: ['userPrincipalName', 'displayName'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    userPrincipalName: { type: 'string', minLength: 3, maxLength: 113 },
    displayName: { type: 'string', minLength: 1, maxLength: 256 },
    givenName: str,
    surname: str,
    mail: str,
    jobTitle: str,
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;

export const appSchema = {
  type: 'object',
  properties: {
    clientId: str,
    tenantId: str,
    displayName: str,
    servicePrincipalId: str,
    clientSecrets: strList,
    applicationPermissions: strList,
    delegatedPermissions: strList,
    redirectUris: strList,
    isFallbackPublicClient: { type: 'boolean' },
  },
} as const;
export const newAppSchema = {
  type: 'object',
  required: ['displayName'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', format: 'uuid' },
    displayName: { type: 'string', minLength: 1, maxLength: 256 },
    clientSecret: { type: 'string', minLength: 1, maxLength: 256 },
    applicationPermissions: strList,
    delegatedPermissions: strList,
    redirectUris: strList,
    isFallbackPublicClient: { type: 'boolean', description: '"Allow public client flows": delegated grants without the client secret. Default false.' },
  },
} as const;
export const appChangesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    displayName: { type: 'string', minLength: 1 },
    applicationPermissions: strList,
    delegatedPermissions: strList,
    redirectUris: strList,
    isFallbackPublicClient: { type: 'boolean' },
  },
} as const;

export const accessPolicySchema = {
  type: 'object',
  properties: { id: str, tenantId: str, name: str, appIds: strList, description: { type: ['string', 'null'] }, global: { type: 'boolean' }, userIds: strList },
} as const;
export const newAccessPolicySchema = {
  type: 'object',
  required: ['name', 'appIds'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, appIds: strList, description: str, global: { type: 'boolean' }, userIds: strList },
} as const;

export const installationSchema = {
  type: 'object',
  properties: { id: str, tenantId: str, meetingId: str, teamsAppId: str, clientId: str, rscPermissions: strList },
} as const;
export const newInstallationSchema = {
  type: 'object',
  required: ['meetingId', 'clientId', 'rscPermissions'],
  additionalProperties: false,
  properties: { meetingId: { type: 'string', minLength: 1 }, clientId: { type: 'string', minLength: 1 }, teamsAppId: str, rscPermissions: strList },
} as const;

export const meetingSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    organizerId: str,
    subject: { type: ['string', 'null'] },
    startDateTime: str,
    endDateTime: str,
    creationDateTime: str,
    threadId: str,
    joinWebUrl: str,
    joinMeetingId: str,
    passcode: str,
    videoTeleconferenceId: str,
    externalId: { type: ['string', 'null'] },
    hasCalendarEvent: { type: 'boolean' },
    kind: str,
    settings: { type: 'object', additionalProperties: true },
  },
} as const;
export const newMeetingSchema = {
  type: 'object',
  required: ['organizerId'],
  additionalProperties: false,
  properties: {
    organizerId: { type: 'string', minLength: 1 },
    subject: str,
    startDateTime: str,
    endDateTime: str,
    externalId: str,
    kind: { type: 'string', enum: ['scheduled', 'channel', 'privateChannel'] },
    hasCalendarEvent: { type: 'boolean' },
    attendeeIds: strList,
  },
} as const;

export const clockSchema = {
  type: 'object',
  properties: { now: str, frozen: { type: 'boolean' }, offsetMs: { type: 'number' } },
} as const;
export const clockCommandSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  description: 'Freeze, unfreeze, set or advance the virtual clock. freeze:true with set/advance leaves it standing exactly at the target.',
  properties: {
    freeze: { type: 'boolean', description: 'true stops the clock (before any move); false lets it follow wall time again (after any move).' },
    unfreeze: { type: 'boolean', const: true },
    set: { type: 'string', minLength: 1, description: 'ISO 8601 date-time, e.g. 2025-01-31T09:00:00Z (UTC when no zone). Forward fires what falls due; backward fires nothing.' },
    advance: {
      description: 'ISO 8601 duration (PT30M, P30D, P1W, PT0.5S) or a number of milliseconds; forward only.',
      // Bodies are not coerced (http/app.ts), so 90000 stays a number and "PT1M" a string.
      anyOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', minLength: 2 },
      ],
    },
  },
} as const;

export const faultSchema = {
  type: 'object',
  properties: {
    id: str,
    path: str,
    method: str,
    status: { type: 'integer' },
    retryAfterSeconds: { type: 'integer' },
    latencyMs: { type: 'integer' },
    count: { type: 'integer' },
    probability: { type: 'number' },
    hits: { type: 'integer' },
    exhausted: { type: 'boolean' },
  },
} as const;
export const newFaultSchema = {
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      maxLength: 2000,
      pattern: '^[/*]',
      description: 'Request path to match, case-insensitive; * matches any run of characters, e.g. /v1.0/users/*/onlineMeetings*.',
    },
    method: { type: 'string', enum: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'get', 'post', 'patch', 'put', 'delete', 'head'] },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 86400, description: 'Retry-After header; 429 and 503 send 1 when absent.' },
    latencyMs: { type: 'integer', minimum: 0, maximum: 120000 },
    count: { type: 'integer', minimum: 1 },
    probability: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

export const mintTokenSchema = {
  type: 'object',
  required: ['clientId'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', minLength: 1 },
    userId: str,
    roles: strList,
    scopes: strList,
    lifetimeSeconds: {
      type: 'integer',
      minimum: -31536000,
      maximum: 31536000,
      description:
        'Seconds until exp (default 3599). Negative mints an already expired token; Graph, like the emulator, allows 5 minutes of clock skew, so use -301 or less for a token that is refused.',
    },
    notBeforeSeconds: {
      type: 'integer',
      minimum: -31536000,
      maximum: 31536000,
      description: 'Seconds from now to nbf. Tokens are refused only when nbf is more than 5 minutes ahead (clock skew).',
    },
    audience: str,
  },
} as const;

export const demoSchema = {
  type: 'object',
  properties: {
    tenantId: str,
    clientId: str,
    clientSecret: str,
    organizerUserId: str,
    meetingId: str,
    callRecordId: str,
    callId: str,
    caCertificate: { type: ['string', 'null'] },
    users: { type: 'array', items: { type: 'object', properties: { id: str, userPrincipalName: str, displayName: str, password: str } } },
  },
} as const;

export const meetingQuery = { type: 'object', additionalProperties: false, properties: { organizerId: { type: 'string', minLength: 1 } } } as const;

export const tenantParams = { type: 'object', required: ['tenantId'], properties: { tenantId: uuid } } as const;
