import type { FastifyInstance } from 'fastify';
import { notEmulated } from '../notEmulated.js';
import { getUser } from './get.js';

/** Users are read here and managed through /_emulator (https://learn.microsoft.com/graph/api/user-get). */
export function registerUserRoutes(app: FastifyInstance): void {
  app.get('/me', getUser);
  app.get('/users/:userId', getUser);
  app.patch('/me', notEmulated);
  app.patch('/users/:userId', notEmulated);
  app.delete('/users/:userId', notEmulated);
}
