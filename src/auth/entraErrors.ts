import { randomUUID } from 'node:crypto';

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
      error_description: `AADSTS${this.aadsts}: ${this.message} Trace ID: ${traceId} Correlation ID: ${correlationId ?? traceId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId ?? traceId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }
}

export const entra = {
  tenantNotFound: (tenant: string) =>
    new EntraError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
  unsupportedGrant: (grant: string) =>
    new EntraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  missingParameter: (name: string) =>
    new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  appNotFound: (clientId: string, tenant: string) =>
    new EntraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`),
  invalidSecret: (clientId: string) =>
    new EntraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  credentialRequired: () =>
    new EntraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  clientAssertionUnsupported: () =>
    new EntraError(401, 'invalid_client', 700027, 'Client assertion (certificate) credentials are not supported by graph-comms-emulator; use a client secret.'),
  defaultScopeRequired: (scope: string) =>
    new EntraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  unknownResource: (scope: string) =>
    new EntraError(400, 'invalid_resource', 500011, `The resource principal named ${scope} was not found in the tenant. graph-comms-emulator issues tokens for Microsoft Graph only.`),
  userNotFound: (username: string, tenantId: string) =>
    new EntraError(400, 'invalid_grant', 50034, `The user account ${username} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`),
  badCredentials: () => new EntraError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  consentRequired: (clientId: string, name: string) =>
    new EntraError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${clientId}' named '${name}'. Send an interactive authorization request for this user and resource.`),
  invalidCode: () => new EntraError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity or is invalid. Send a new interactive authorization request for this user and resource.'),
  codeRedeemed: () =>
    new EntraError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  redirectMismatch: (uri: string, clientId: string) =>
    new EntraError(400, 'invalid_request', 50011, `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`),
  postOnly: (method: string) =>
    new EntraError(400, 'invalid_request', 900561, `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`),
  pkceFailed: () => new EntraError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
};
