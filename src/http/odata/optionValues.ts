/** Value checks shared by top-level and nested ($expand=x($top=..)) query options, with ODL's messages. */

import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../errors.js';

/** A non-negative integer; larger than MAX_SAFE_INTEGER still counts (callers clamp to their page max). */
export function parseTopValue(raw: string): number {
  if (!/^\d+$/.test(raw)) {
    throw badRequest(`Invalid value '${excerpt(raw)}' for $top query option found. The $top query option requires a non-negative integer value.`);
  }
  return Number(raw);
}

/** A non-negative integer, as ODL reads `$skip`; past MAX_SAFE_INTEGER it is clamped (no store holds that many rows). */
export function parseSkipValue(raw: string): number {
  if (!/^\d+$/.test(raw)) {
    throw badRequest(`Invalid value '${excerpt(raw)}' for $skip query option found. The $skip query option requires a non-negative integer value.`);
  }
  return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
}

/** Exactly `true` or `false`: ODL refuses `True`. */
export function parseCountValue(raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw badRequest(`'${excerpt(raw)}' is not a valid count option.`);
}

export function invalidTerm(term: string): Error {
  return badRequest(`Term '${excerpt(term)}' is not valid in a $select or $expand expression.`);
}
