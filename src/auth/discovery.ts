import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findTenant } from '../domain/tenants.js';
import { originOf } from '../http/requestContext.js';
import type { IdentityServices } from './identityServices.js';
import { entra, EntraError } from './entraErrors.js';

/** Tenant-independent path segments the identity platform accepts in place of a tenant id. */
export const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations', 'consumers']);

export const v2Issuer = (origin: string, tenantId: string): string => `${origin}/${tenantId}/v2.0`;

export function sendEntraError(request: FastifyRequest, reply: import('fastify').FastifyReply, err: EntraError, now: Date) {
  const correlation = request.headers['client-request-id'];
  if (request.graphState !== null) request.graphState.errorCode = `${err.error} AADSTS${err.aadsts}`;
  return reply
    .code(err.status)
    .type('application/json; charset=utf-8')
    .send(err.body(typeof correlation === 'string' ? correlation : undefined, now));
}

/**
 * OIDC discovery, JWKS and instance discovery. The issuer shares the authority's scheme, host and
 * port, as MSAL checks.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, services: IdentityServices): void {
  const metadata = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: import('fastify').FastifyReply) => {
    const origin = originOf(request, services.config.publicUrl);
    const segment = request.params.tenant;
    let tenantId = '{tenantid}';
    if (!MULTI_TENANT_SEGMENTS.has(segment.toLowerCase())) {
      const tenant = await findTenant(services.ctx, segment);
      if (tenant === undefined) return sendEntraError(request, reply, entra.tenantNotFound(segment), services.ctx.clock.now());
      tenantId = tenant.id;
    }
    const base = `${origin}/${segment}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: v2Issuer(origin, tenantId),
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'email'],
      tenant_region_scope: 'EU',
      cloud_instance_name: request.host,
      cloud_graph_host_name: request.host,
      msgraph_host: request.host,
      rbac_url: origin,
    };
  };
  app.get('/:tenant/v2.0/.well-known/openid-configuration', metadata);
  app.get('/:tenant/.well-known/openid-configuration', metadata);

  const jwks = async () => services.keys.jwks();
  app.get('/:tenant/discovery/v2.0/keys', jwks);
  app.get('/:tenant/discovery/keys', jwks);

  // Instance discovery, for clients that do not disable it: this host is its own only alias.
  app.get('/common/discovery/instance', async (request) => {
    const origin = originOf(request, services.config.publicUrl);
    return {
      tenant_discovery_endpoint: `${origin}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: request.host, preferred_cache: request.host, aliases: [request.host] }],
    };
  });
}
