import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendGraphJson, serviceRoot, version } from '../respond.js';
import { CSDL, SERVICE_ROOT } from './csdl.generated.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A Graph route that answers without a token (graph/plugin.ts skips authentication). */
    anonymous?: boolean;
  }
}

/**
 * The service's self-description: `$metadata` (CSDL XML) and the service document at the root, for
 * the types, entity sets and singletons the emulator serves. Both answer without a token, as Graph's
 * do. The CSDL is generated from the vendored schema extract (scripts/generate-csdl.mjs).
 * https://learn.microsoft.com/graph/traverse-the-graph#microsoft-graph-api-metadata
 */
export function registerMetadataRoutes(app: FastifyInstance): void {
  app.get('/$metadata', { config: { anonymous: true } }, getMetadata);
  app.get('/', { config: { anonymous: true } }, getServiceDocument);
}

async function getMetadata(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return reply.code(200).header('content-type', 'application/xml').send(CSDL[version(request)]);
}

/** OData's service document: `{"@odata.context":"…/$metadata","value":[{"name","kind","url"}]}`. */
async function getServiceDocument(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGraphJson(request, reply, 200, {
    '@odata.context': `${serviceRoot(request)}/$metadata`,
    value: SERVICE_ROOT.map(({ name, kind }) => ({ name, kind, url: name })),
  });
}
