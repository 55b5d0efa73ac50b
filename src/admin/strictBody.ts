import type { FastifySchemaValidationError } from 'fastify';

type SchemaErrorDataVar = 'body' | 'headers' | 'params' | 'querystring';
import { DomainError } from '../runtime/errors.js';

/**
 * What the control API checks beyond its JSON schemas. Unknown properties and wrong types are the
 * validator's job: the server's ajv runs with `removeAdditional: false` and `coerceTypes: false` for
 * bodies (http/app.ts), so a typo or a 42 for a string fails loudly instead of being dropped or
 * converted. Left here: NUL characters, which no schema can refuse everywhere and PostgreSQL refuses
 * in a query, and a nesting limit, so no walk over a body (ours, ajv's, the store's) runs deep.
 */

/** Deeper bodies are refused; the deepest control-API body has 3 levels. */
export const MAX_BODY_DEPTH = 32;

/** Whether `value` holds a NUL; throws once it is nested deeper than MAX_BODY_DEPTH (checked before going deeper). */
function containsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_BODY_DEPTH) throw new DomainError('invalid', `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
  for (const [key, item] of Object.entries(value)) if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  return false;
}

/** A path id with a NUL names nothing (404); a query or body with one, or a body nested too deep, is a 400. */
export function checkControlRequest(params: unknown, query: unknown, body: unknown): void {
  if (containsNul(params, 0)) throw new DomainError('notFound', 'No such object: an id never contains a NUL character.');
  if (containsNul(query, 0) || containsNul(body, 0)) throw new DomainError('invalid', 'The request must not contain NUL characters.');
}

/** The validator's findings in the control API's words (what a script author needs to fix). */
export function controlSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const first = errors[0];
  const property = (first?.instancePath ?? '').replace(/^\//, '');
  if (dataVar === 'body' && first?.keyword === 'additionalProperties') {
    const extra = String((first.params as { additionalProperty?: unknown }).additionalProperty);
    return new Error(`Unknown property '${property === '' ? extra : `${property}/${extra}`}' in the request body.`);
  }
  if (dataVar === 'querystring' && first?.keyword === 'additionalProperties') {
    return new Error(`Unknown query parameter '${String((first.params as { additionalProperty?: unknown }).additionalProperty)}'.`);
  }
  if (dataVar === 'body' && first?.keyword === 'type' && property !== '') {
    const expected = String((first.params as { type?: unknown }).type);
    return new Error(`Property '${property}' must be ${expected === 'array' || expected === 'integer' ? 'an' : 'a'} ${expected}.`);
  }
  // Fastify's own wording otherwise.
  return new Error(errors.map((e) => `${dataVar}${e.instancePath} ${e.message ?? 'is invalid'}`).join(', '));
}
