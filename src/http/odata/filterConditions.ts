/**
 * Flattens `a eq 1 and b/c ge 2024-01-01T00:00:00Z` into a list of conditions so SQL-backed handlers can
 * translate the few filters Graph documents for an endpoint, and reject everything else.
 */

import { badRequest } from '../errors.js';
import type { ComparisonOp, FilterExpr, LiteralExpr, LiteralKind, LiteralValue, ValueExpr } from './filterAst.js';

export interface FilterCondition {
  /** Property path from the item, spelled as the client wrote it (compare with `pathMatches`). */
  path: string[];
  op: ComparisonOp;
  value: LiteralValue;
  kind: LiteralKind;
}

const MIRRORED: Readonly<Record<ComparisonOp, ComparisonOp>> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

const DEFAULT_MESSAGE = "Invalid filter clause: only comparisons of a property with a literal, joined by 'and', are supported.";

export function filterConditions(expr: FilterExpr, unsupportedMessage: string = DEFAULT_MESSAGE): FilterCondition[] {
  switch (expr.type) {
    case 'and':
      return [...filterConditions(expr.left, unsupportedMessage), ...filterConditions(expr.right, unsupportedMessage)];
    case 'compare': {
      const { left, right } = expr;
      if (isRootProperty(left) && right.type === 'literal') return [condition(left.path, expr.op, right)];
      // `'x' eq id` is the same condition mirrored.
      if (left.type === 'literal' && isRootProperty(right)) return [condition(right.path, MIRRORED[expr.op], left)];
      throw badRequest(unsupportedMessage);
    }
    default:
      throw badRequest(unsupportedMessage);
  }
}

function isRootProperty(expr: ValueExpr): expr is Extract<ValueExpr, { type: 'property' }> {
  return expr.type === 'property' && expr.variable === undefined;
}

function condition(path: string[], op: ComparisonOp, literal: LiteralExpr): FilterCondition {
  return { path: [...path], op, value: literal.value, kind: literal.kind };
}
