import type { FastifyInstance } from 'fastify';
import { postBatch } from './handlers.js';

/** JSON batching, under /v1.0 and /beta (https://learn.microsoft.com/graph/json-batching). */
export function registerBatchRoutes(app: FastifyInstance): void {
  app.post('/$batch', postBatch);
}
