import { DomainError } from '../runtime/errors.js';

interface PropertySchema {
  type?: string | string[];
  items?: PropertySchema;
}

interface BodySchema {
  additionalProperties?: unknown;
  properties?: Record<string, PropertySchema>;
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;

const matches = (value: unknown, schema: PropertySchema): boolean => {
  if (schema.type === undefined) return true; // anyOf and friends: the validator decides
  const actual = typeOf(value);
  const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) return false;
  return actual !== 'array' || schema.items === undefined || (value as unknown[]).every((item) => matches(item, schema.items!));
};

/**
 * Fastify's validator coerces (42 → "42", "x" → ["x"]) and silently drops unknown properties; a
 * control call with a typo or a wrong type should fail loudly instead. Checked before validation.
 */
export function checkBodyStrictly(schema: BodySchema | undefined, body: unknown): void {
  if (schema === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const properties = schema.properties ?? {};
  for (const [key, value] of Object.entries(body)) {
    const property = properties[key];
    if (property === undefined) {
      if (schema.additionalProperties === false) throw new DomainError('invalid', `Unknown property '${key}' in the request body.`);
      continue;
    }
    if (!matches(value, property)) {
      const expected = Array.isArray(property.type) ? property.type.join(' or ') : property.type;
      throw new DomainError('invalid', `Property '${key}' must be ${expected === 'array' ? `an array of ${property.items?.type ?? 'values'}` : `a ${expected}`}.`);
    }
  }
}

const hasNul = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : value !== null && typeof value === 'object' && Object.values(value).some(hasNul);

/** No stored value holds a NUL, and PostgreSQL refuses one in a query: a path id with one names nothing, a body with one is bad. */
export function checkNoNul(params: unknown, query: unknown, body: unknown): void {
  if (hasNul(params)) throw new DomainError('notFound', 'No such object: an id never contains a NUL character.');
  if (hasNul(query) || hasNul(body)) throw new DomainError('invalid', 'The request must not contain NUL characters.');
}
