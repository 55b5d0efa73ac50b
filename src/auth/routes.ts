import type { FastifyInstance } from 'fastify';
import type { IdentityServices } from './identityServices.js';
import { registerAuthorizeEndpoint } from './authorizeEndpoint.js';
import { registerDiscoveryRoutes } from './discovery.js';
import { registerTokenEndpoint } from './tokenEndpoint.js';
import { registerUserInfoEndpoint } from './userinfo.js';

/** The identity platform: `/{tenant}/oauth2/v2.0/*`, OIDC discovery and UserInfo, JWKS, instance discovery. */
export function registerIdentityRoutes(app: FastifyInstance, services: IdentityServices): void {
  registerDiscoveryRoutes(app, services);
  registerTokenEndpoint(app, services);
  registerAuthorizeEndpoint(app, services);
  registerUserInfoEndpoint(app, services);
}
