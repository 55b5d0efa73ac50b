import { expect } from 'vitest';
import { GraphError } from '../../../src/http/errors.js';

/** Asserts that `fn` throws Graph's 400 BadRequest with exactly `message`. */
export function expectBadRequest(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GraphError);
  const err = caught as GraphError;
  expect(err.status).toBe(400);
  expect(err.code).toBe('BadRequest');
  expect(err.message).toBe(message);
}
