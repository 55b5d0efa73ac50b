import type { FastifyInstance } from 'fastify';
import type { AdminServices } from './adminServices.js';
import { sessionCookie } from './guard.js';
import { errorSchema } from './schemas.js';

/**
 * The dashboard's session (admin/guard.ts): with an admin token the dashboard trades it once for an
 * HttpOnly, SameSite=Strict cookie, so its EventSource and <video> (which cannot send an
 * Authorization header) pass the guard too. Both routes sit behind the guard: reaching them is the
 * answer to "am I in?".
 */
export function registerSessionRoutes(app: FastifyInstance, services: AdminServices): void {
  const tags = ['control'];
  const { adminToken, protocol } = services.config;
  const state = { type: 'object', properties: { adminToken: { type: 'boolean', description: 'Whether the control API needs the admin token.' } } } as const;
  app.get(
    '/_emulator/session',
    {
      schema: {
        tags,
        description: 'Whether this client may use the control API (200) or needs the admin token (401). The dashboard asks this first.',
        response: { 200: state, 401: errorSchema },
      },
    },
    async () => ({ adminToken: adminToken !== undefined }),
  );
  app.post(
    '/_emulator/session',
    {
      schema: {
        tags,
        description:
          'Start a dashboard session: sent with "Authorization: Bearer ADMIN_TOKEN", it answers with an HttpOnly, SameSite=Strict cookie (Path=/_emulator, Secure over HTTPS) that stands for the token in this browser. Without an admin token there is nothing to exchange and no cookie.',
        body: { type: 'object', additionalProperties: false, properties: {}, description: 'Optional, empty: the token goes in the Authorization header.' },
        response: { 204: { type: 'null' }, 400: errorSchema, 401: errorSchema, 403: errorSchema },
      },
      // No body (what the dashboard sends) is an empty one: Fastify would otherwise refuse it against the schema.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (_request, reply) => {
      if (adminToken !== undefined) void reply.header('set-cookie', sessionCookie(adminToken, protocol));
      return reply.code(204).send();
    },
  );
}
