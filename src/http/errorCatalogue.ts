import { boundedMessage } from '../runtime/excerpt.js';
import { randomUUID } from 'node:crypto';

/**
 * Every error the emulator answers with, named, each with the Microsoft Learn page that documents
 * it: Graph's (an ODataError envelope, built by http/errors.ts) and the identity platform's (OAuth
 * errors with an AADSTS code). GraphError takes only a catalogued code, so a new code cannot be
 * emitted without an entry here; test/http/errorCatalogue.test.ts checks every entry.
 */

const GRAPH_ERRORS_PAGE = 'https://learn.microsoft.com/graph/errors';
const AUTH_ERRORS_PAGE = 'https://learn.microsoft.com/graph/resolve-auth-errors';
const DELTA_PAGE = 'https://learn.microsoft.com/graph/delta-query-overview';
const THROTTLING_PAGE = 'https://learn.microsoft.com/graph/throttling';
const SUBSCRIPTIONS_PAGE = 'https://learn.microsoft.com/graph/api/subscription-post-subscriptions';
const WEBHOOKS_PAGE = 'https://learn.microsoft.com/graph/change-notifications-delivery-webhooks';
const DIRECTORY_PAGE = 'https://learn.microsoft.com/graph/api/user-get';
const CONTENT_PAGE = 'https://learn.microsoft.com/graph/api/callrecording-get';
const BATCHING_PAGE = 'https://learn.microsoft.com/graph/json-batching';
const CHAT_POST_PAGE = 'https://learn.microsoft.com/graph/api/chat-post-messages';
const EVENT_PAGE = 'https://learn.microsoft.com/graph/api/event-get';
const DATE_TIME_TIME_ZONE_PAGE = 'https://learn.microsoft.com/graph/api/resources/datetimetimezone';
const CALENDAR_VIEW_PAGE = 'https://learn.microsoft.com/graph/api/user-list-calendarview';
const AADSTS_PAGE = 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes';

export interface CatalogueEntry {
  readonly status: number;
  readonly code: string;
  readonly learnUrl: string;
}

/** Graph's errors: status and `error.code` as Graph sends them (codes keep Graph's mixed casing). */
export const GRAPH_ERROR_CATALOGUE = {
  badRequest: { status: 400, code: 'BadRequest', learnUrl: GRAPH_ERRORS_PAGE },
  invalidRequest: { status: 400, code: 'InvalidRequest', learnUrl: SUBSCRIPTIONS_PAGE },
  extensionError: { status: 400, code: 'ExtensionError', learnUrl: SUBSCRIPTIONS_PAGE },
  validationError: { status: 400, code: 'ValidationError', learnUrl: WEBHOOKS_PAGE },
  // A batch of more than 20 steps.
  maximumValueExceeded: { status: 400, code: 'MaximumValueExceeded', learnUrl: BATCHING_PAGE },
  // Outlook's (Exchange's) codes on calendar paths (https://learn.microsoft.com/graph/api/event-get).
  errorInvalidParameter: { status: 400, code: 'ErrorInvalidParameter', learnUrl: CALENDAR_VIEW_PAGE },
  errorInvalidIdMalformed: { status: 400, code: 'ErrorInvalidIdMalformed', learnUrl: EVENT_PAGE },
  errorAccessDenied: { status: 403, code: 'ErrorAccessDenied', learnUrl: EVENT_PAGE },
  errorItemNotFound: { status: 404, code: 'ErrorItemNotFound', learnUrl: EVENT_PAGE },
  // A `Prefer: outlook.timezone` Outlook does not know.
  timeZoneNotSupported: { status: 400, code: 'TimeZoneNotSupportedException', learnUrl: DATE_TIME_TIME_ZONE_PAGE },
  invalidAuthenticationToken: { status: 401, code: 'InvalidAuthenticationToken', learnUrl: AUTH_ERRORS_PAGE },
  // Teams' answer to an application token posting a chat message outside a migration (MicrosoftDocs/msteams-docs#10318).
  unauthorized: { status: 401, code: 'Unauthorized', learnUrl: CHAT_POST_PAGE },
  forbidden: { status: 403, code: 'Forbidden', learnUrl: AUTH_ERRORS_PAGE },
  authorizationRequestDenied: { status: 403, code: 'Authorization_RequestDenied', learnUrl: AUTH_ERRORS_PAGE },
  notFound: { status: 404, code: 'NotFound', learnUrl: GRAPH_ERRORS_PAGE },
  itemNotFound: { status: 404, code: 'itemNotFound', learnUrl: GRAPH_ERRORS_PAGE },
  resourceNotFound: { status: 404, code: 'ResourceNotFound', learnUrl: SUBSCRIPTIONS_PAGE },
  requestResourceNotFound: { status: 404, code: 'Request_ResourceNotFound', learnUrl: DIRECTORY_PAGE },
  methodNotAllowed: { status: 405, code: 'methodNotAllowed', learnUrl: GRAPH_ERRORS_PAGE },
  requestTimeout: { status: 408, code: 'RequestTimeout', learnUrl: GRAPH_ERRORS_PAGE },
  conflict: { status: 409, code: 'Conflict', learnUrl: GRAPH_ERRORS_PAGE },
  gone: { status: 410, code: 'Gone', learnUrl: GRAPH_ERRORS_PAGE },
  resyncRequired: { status: 410, code: 'resyncRequired', learnUrl: DELTA_PAGE },
  preconditionFailed: { status: 412, code: 'PreconditionFailed', learnUrl: GRAPH_ERRORS_PAGE },
  requestEntityTooLarge: { status: 413, code: 'RequestEntityTooLarge', learnUrl: GRAPH_ERRORS_PAGE },
  requestUriTooLong: { status: 414, code: 'RequestUriTooLong', learnUrl: GRAPH_ERRORS_PAGE },
  // OData's code for a body it cannot read, including one of an unsupported media type.
  requestBodyRead: { status: 415, code: 'RequestBodyRead', learnUrl: GRAPH_ERRORS_PAGE },
  invalidRange: { status: 416, code: 'invalidRange', learnUrl: CONTENT_PAGE },
  // A batch step whose dependsOn step failed.
  failedDependency: { status: 424, code: 'FailedDependency', learnUrl: BATCHING_PAGE },
  tooManyRequests: { status: 429, code: 'TooManyRequests', learnUrl: THROTTLING_PAGE },
  requestHeaderFieldsTooLarge: { status: 431, code: 'RequestHeaderFieldsTooLarge', learnUrl: GRAPH_ERRORS_PAGE },
  generalException: { status: 500, code: 'generalException', learnUrl: GRAPH_ERRORS_PAGE },
  notImplemented: { status: 501, code: 'NotImplemented', learnUrl: GRAPH_ERRORS_PAGE },
  badGateway: { status: 502, code: 'badGateway', learnUrl: GRAPH_ERRORS_PAGE },
  serviceNotAvailable: { status: 503, code: 'serviceNotAvailable', learnUrl: THROTTLING_PAGE },
  gatewayTimeout: { status: 504, code: 'gatewayTimeout', learnUrl: GRAPH_ERRORS_PAGE },
  // Graph's table: "507 Insufficient Storage: the maximum storage quota has been reached".
  insufficientStorage: { status: 507, code: 'insufficientStorage', learnUrl: GRAPH_ERRORS_PAGE },
} as const satisfies Record<string, CatalogueEntry>;

export type GraphErrorName = keyof typeof GRAPH_ERROR_CATALOGUE;
/** Every `error.code` the emulator may send. */
export type GraphErrorCode = (typeof GRAPH_ERROR_CATALOGUE)[GraphErrorName]['code'];

export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface GraphErrorOptions {
  target?: string;
  details?: GraphErrorDetail[];
  /** Extra response headers, e.g. Retry-After on 429/503 or WWW-Authenticate on 401. */
  headers?: Record<string, string>;
}

/** A Graph error to answer with; http/errors.ts renders it as Graph's envelope. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: GraphErrorCode;
  readonly target: string | undefined;
  readonly details: GraphErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: GraphErrorCode, message: string, options: GraphErrorOptions = {}) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.target = options.target;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

type GraphErrorFactory = (message: string, options?: GraphErrorOptions) => GraphError;

/** `GraphErrors.itemNotFound(message)`: the catalogued status and code with the caller's message. */
export const GraphErrors = Object.fromEntries(
  Object.entries(GRAPH_ERROR_CATALOGUE).map(([name, entry]) => [name, (message: string, options?: GraphErrorOptions) => new GraphError(entry.status, entry.code, message, options)]),
) as Record<GraphErrorName, GraphErrorFactory>;

// Identity platform ---------------------------------------------------------------------------------

/** The identity platform's OAuth error body (not Graph's): `error`, `error_description` with an AADSTS code. */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    description: string,
  ) {
    super(description);
  }

  body(correlationId: string | undefined, now: Date): EntraErrorBody {
    const traceId = randomUUID();
    const timestamp = now.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${boundedMessage(this.message)} Trace ID: ${traceId} Correlation ID: ${correlationId ?? traceId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId ?? traceId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }
}

export interface EntraCatalogueEntry extends CatalogueEntry {
  readonly aadsts: number;
}

/** The AADSTS errors the token and authorize endpoints answer with; `code` is the OAuth `error`. */
export const ENTRA_ERROR_CATALOGUE = {
  tenantNotFound: { status: 400, code: 'invalid_tenant', aadsts: 90002, learnUrl: AADSTS_PAGE },
  unsupportedGrant: { status: 400, code: 'unsupported_grant_type', aadsts: 70003, learnUrl: AADSTS_PAGE },
  missingParameter: { status: 400, code: 'invalid_request', aadsts: 900144, learnUrl: AADSTS_PAGE },
  appNotFound: { status: 400, code: 'unauthorized_client', aadsts: 700016, learnUrl: AADSTS_PAGE },
  invalidSecret: { status: 401, code: 'invalid_client', aadsts: 7000215, learnUrl: AADSTS_PAGE },
  credentialRequired: { status: 401, code: 'invalid_client', aadsts: 7000218, learnUrl: AADSTS_PAGE },
  clientAssertionUnsupported: { status: 401, code: 'invalid_client', aadsts: 700027, learnUrl: AADSTS_PAGE },
  defaultScopeRequired: { status: 400, code: 'invalid_scope', aadsts: 1002012, learnUrl: AADSTS_PAGE },
  unknownResource: { status: 400, code: 'invalid_resource', aadsts: 500011, learnUrl: AADSTS_PAGE },
  userNotFound: { status: 400, code: 'invalid_grant', aadsts: 50034, learnUrl: AADSTS_PAGE },
  badCredentials: { status: 400, code: 'invalid_grant', aadsts: 50126, learnUrl: AADSTS_PAGE },
  consentRequired: { status: 400, code: 'invalid_grant', aadsts: 65001, learnUrl: AADSTS_PAGE },
  invalidCode: { status: 400, code: 'invalid_grant', aadsts: 70008, learnUrl: AADSTS_PAGE },
  codeRedeemed: { status: 400, code: 'invalid_grant', aadsts: 54005, learnUrl: AADSTS_PAGE },
  redirectMismatch: { status: 400, code: 'invalid_request', aadsts: 50011, learnUrl: AADSTS_PAGE },
  postOnly: { status: 400, code: 'invalid_request', aadsts: 900561, learnUrl: AADSTS_PAGE },
  pkceFailed: { status: 400, code: 'invalid_grant', aadsts: 501481, learnUrl: AADSTS_PAGE },
} as const satisfies Record<string, EntraCatalogueEntry>;

export type EntraErrorName = keyof typeof ENTRA_ERROR_CATALOGUE;

const entraError = (name: EntraErrorName, description: string): EntraError => {
  const entry = ENTRA_ERROR_CATALOGUE[name];
  return new EntraError(entry.status, entry.code, entry.aadsts, description);
};

/** Named identity-platform errors, with the descriptions Entra sends for each AADSTS code. */
export const EntraErrors = {
  tenantNotFound: (tenant: string) => entraError('tenantNotFound', `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
  unsupportedGrant: (grant: string) => entraError('unsupportedGrant', `The app requested an unsupported grant type '${grant}'.`),
  missingParameter: (name: string) => entraError('missingParameter', `The request body must contain the following parameter: '${name}'.`),
  appNotFound: (clientId: string, tenant: string) => entraError('appNotFound', `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`),
  invalidSecret: (clientId: string) =>
    entraError(
      'invalidSecret',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  credentialRequired: () => entraError('credentialRequired', "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  clientAssertionUnsupported: () => entraError('clientAssertionUnsupported', 'Client assertion (certificate) credentials are not supported by graph-comms-emulator; use a client secret.'),
  defaultScopeRequired: (scope: string) =>
    entraError(
      'defaultScopeRequired',
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  unknownResource: (scope: string) => entraError('unknownResource', `The resource principal named ${scope} was not found in the tenant. graph-comms-emulator issues tokens for Microsoft Graph only.`),
  userNotFound: (username: string, tenantId: string) =>
    entraError('userNotFound', `The user account ${username} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`),
  badCredentials: () => entraError('badCredentials', 'Error validating credentials due to invalid username or password.'),
  consentRequired: (clientId: string, name: string) =>
    entraError(
      'consentRequired',
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${name}'. Send an interactive authorization request for this user and resource.`,
    ),
  invalidCode: () =>
    entraError('invalidCode', 'The provided authorization code or refresh token has expired due to inactivity or is invalid. Send a new interactive authorization request for this user and resource.'),
  codeRedeemed: () => entraError('codeRedeemed', 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  redirectMismatch: (uri: string, clientId: string) =>
    entraError('redirectMismatch', `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`),
  postOnly: (method: string) => entraError('postOnly', `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`),
  pkceFailed: () => entraError('pkceFailed', 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
} as const satisfies Record<EntraErrorName, (...args: never[]) => EntraError>;
