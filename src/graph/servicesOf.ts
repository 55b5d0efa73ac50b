import type { FastifyRequest } from 'fastify';
import type { GraphServices } from './graphServices.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the Graph plugin on its own (encapsulated) scope; see servicesOf. */
    graphServices: GraphServices;
  }
}

/**
 * The emulator's services for a Graph handler. The plugin decorates its scope with them once
 * (plugin.ts), so handlers are plain named `(request, reply)` functions the route lists point at.
 */
export const servicesOf = (request: FastifyRequest): GraphServices => request.server.graphServices;
