import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { findApp, type App } from '../domain/apps.js';
import { findTenant, type Tenant } from '../domain/tenants.js';
import { findUser, findUserByUpn } from '../domain/users.js';
import { originOf } from '../http/requestContext.js';
import type { IdentityServices } from './identityServices.js';
import { redeemAuthCode } from './authCodes.js';
import { issueDelegatedTokens, readRefreshToken } from './delegatedTokens.js';
import { MULTI_TENANT_SEGMENTS, sendEntraError } from './discovery.js';
import { entra, EntraError } from './entraErrors.js';
import { parseScopes } from './scopes.js';
import { ACCESS_TOKEN_LIFETIME_S, issueAppToken } from './tokens.js';

type Form = Record<string, string | undefined>;

function formOf(request: FastifyRequest): Form {
  const body = request.body;
  if (body === null || typeof body !== 'object') return {};
  const form: Form = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') form[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') form[k] = v[0];
  }
  return form;
}

/** client_secret_post, or client_secret_basic in the Authorization header. */
function clientCredentials(request: FastifyRequest, form: Form): { clientId?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic !== null) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return { clientId: form['client_id'], secret: form['client_secret'] };
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

async function resolveTenant(services: IdentityServices, segment: string, app: App | undefined): Promise<Tenant> {
  if (MULTI_TENANT_SEGMENTS.has(segment.toLowerCase()) && app !== undefined) {
    const tenant = await findTenant(services.ctx, app.tenantId);
    if (tenant !== undefined) return tenant;
  }
  const tenant = await findTenant(services.ctx, segment);
  if (tenant === undefined) throw entra.tenantNotFound(segment);
  return tenant;
}

async function clientApp(services: IdentityServices, segment: string, clientId: string | undefined): Promise<{ app: App; tenant: Tenant }> {
  if (clientId === undefined || clientId === '') throw entra.missingParameter('client_id');
  const app = await findApp(services.ctx, clientId);
  const tenant = await resolveTenant(services, segment, app);
  if (app === undefined || app.tenantId !== tenant.id) throw entra.appNotFound(clientId, tenant.id);
  return { app, tenant };
}

/**
 * A confidential client must present its secret on every grant; a public client (the app allows
 * public client flows, or has no secret to present) may leave it out of the delegated grants. Entra
 * answers a confidential client without one AADSTS7000218.
 * https://learn.microsoft.com/entra/identity-platform/msal-client-applications
 */
const isPublicClient = (app: App): boolean => app.isFallbackPublicClient || app.clientSecrets.length === 0;

function checkSecret(app: App, secret: string | undefined, required: boolean): void {
  if (secret === undefined || secret === '') {
    if (required) throw entra.credentialRequired();
    return;
  }
  if (!app.clientSecrets.some((s) => safeEqual(s, secret))) throw entra.invalidSecret(app.clientId);
}

export function registerTokenEndpoint(app: FastifyInstance, services: IdentityServices): void {
  app.post('/:tenant/oauth2/v2.0/token', async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    try {
      return await token(services, request, reply);
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(request, reply, err, services.ctx.clock.now());
      throw err;
    }
  });
  // A browser or a misconfigured client landing here gets Entra's answer, not a 404.
  app.get('/:tenant/oauth2/v2.0/token', async (request, reply) => sendEntraError(request, reply, entra.postOnly('GET'), services.ctx.clock.now()));
}

async function token(services: IdentityServices, request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply): Promise<unknown> {
  const form = formOf(request);
  const segment = request.params.tenant;
  const grantType = form['grant_type'];
  if (grantType === undefined || grantType === '') throw entra.missingParameter('grant_type');
  if (form['client_assertion'] !== undefined) throw entra.clientAssertionUnsupported();
  const creds = clientCredentials(request, form);
  const origin = originOf(request, services.config.publicUrl);
  const clientInfo = form['client_info'] === '1';
  void reply.header('cache-control', 'no-store, no-cache');

  switch (grantType) {
    case 'client_credentials': {
      const { app } = await clientApp(services, segment, creds.clientId);
      checkSecret(app, creds.secret, true);
      const scope = form['scope'];
      if (scope === undefined || scope === '') throw entra.missingParameter('scope');
      const requested = parseScopes(scope);
      if (requested.foreign.length > 0) throw entra.unknownResource(requested.foreign[0]!);
      if (requested.graph.length !== 1 || requested.graph[0] !== '.default' || requested.oidc.size > 0) throw entra.defaultScopeRequired(scope);
      const accessToken = await issueAppToken(services.keys, {
        tenantId: app.tenantId,
        clientId: app.clientId,
        servicePrincipalId: app.servicePrincipalId,
        appDisplayName: app.displayName,
        roles: app.applicationPermissions,
      });
      return { token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_S, ext_expires_in: ACCESS_TOKEN_LIFETIME_S, access_token: accessToken };
    }
    case 'password': {
      const { app, tenant } = await clientApp(services, segment, creds.clientId);
      checkSecret(app, creds.secret, !isPublicClient(app));
      const username = form['username'];
      const password = form['password'];
      if (username === undefined) throw entra.missingParameter('username');
      if (password === undefined) throw entra.missingParameter('password');
      const user = await findUserByUpn(services.ctx, username);
      if (user === undefined || user.tenantId !== tenant.id) throw entra.userNotFound(username, tenant.id);
      if (!safeEqual(user.password, password)) throw entra.badCredentials();
      return issueDelegatedTokens(services.keys, { app, user, scope: form['scope'], origin, clientInfo });
    }
    case 'authorization_code': {
      const { app } = await clientApp(services, segment, creds.clientId);
      checkSecret(app, creds.secret, !isPublicClient(app));
      const code = form['code'];
      if (code === undefined) throw entra.missingParameter('code');
      const row = await redeemAuthCode(services.ctx, services.keys, code);
      if (row.client_id !== app.clientId) throw entra.invalidCode();
      if (form['redirect_uri'] !== row.redirect_uri) throw entra.redirectMismatch(form['redirect_uri'] ?? '', app.clientId);
      if (row.code_challenge !== null) {
        const verifier = form['code_verifier'] ?? '';
        const computed = row.code_challenge_method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(computed, row.code_challenge)) throw entra.pkceFailed();
      }
      const user = await findUser(services.ctx, row.tenant_id, row.user_id);
      if (user === undefined) throw entra.invalidCode();
      return issueDelegatedTokens(services.keys, { app, user, scope: form['scope'] ?? row.scopes, origin, clientInfo, nonce: row.nonce });
    }
    case 'refresh_token': {
      const { app } = await clientApp(services, segment, creds.clientId);
      checkSecret(app, creds.secret, !isPublicClient(app));
      const refreshToken = form['refresh_token'];
      if (refreshToken === undefined) throw entra.missingParameter('refresh_token');
      const claims = await readRefreshToken(services.keys, refreshToken);
      if (claims.clientId !== app.clientId) throw entra.invalidCode();
      const user = await findUser(services.ctx, claims.tenantId, claims.userId);
      if (user === undefined) throw entra.invalidCode();
      return issueDelegatedTokens(services.keys, { app, user, scope: form['scope'] ?? claims.scope, origin, clientInfo });
    }
    default:
      throw entra.unsupportedGrant(grantType);
  }
}
