import type { FastifyRequest } from 'fastify';
import { notImplemented } from '../http/errors.js';

/**
 * For Graph operations the emulator does not serve on a path it does serve (PATCH or DELETE a user or
 * a meeting): Graph's 501 says so, where a 405 would claim Graph itself refuses the method.
 */
export async function notEmulated(request: FastifyRequest): Promise<never> {
  throw notImplemented(request.method, request.originalUrl.split('?')[0] ?? '');
}
