/**
 * In-memory evaluation of a parsed $filter against plain JSON-like objects, for handlers that filter
 * after loading. Comparisons follow the literal's type: datetimes compare as instants (ISO strings or
 * Date values on the item), GUIDs ignore case, other strings compare ordinally.
 */

import type { ComparisonOp, FilterExpr, LambdaExpr, LiteralKind, PropertyExpr, ValueExpr } from './filterAst.js';
import { getPathCI } from './names.js';

/** Looks a property path up on an item (or a lambda variable's element). Default: case-insensitive walk. */
export type PropertyResolver = (target: unknown, path: readonly string[]) => unknown;

interface Operand {
  value: unknown;
  kind?: LiteralKind;
}

type Scope = ReadonlyMap<string, unknown>;

export function evaluateFilter(expr: FilterExpr, item: unknown, resolve: PropertyResolver = getPathCI): boolean {
  return evaluate(expr, item, new Map(), resolve);
}

function evaluate(expr: FilterExpr, item: unknown, scope: Scope, resolve: PropertyResolver): boolean {
  switch (expr.type) {
    case 'and':
      return evaluate(expr.left, item, scope, resolve) && evaluate(expr.right, item, scope, resolve);
    case 'or':
      return evaluate(expr.left, item, scope, resolve) || evaluate(expr.right, item, scope, resolve);
    case 'not':
      return !evaluate(expr.operand, item, scope, resolve);
    case 'lambda':
      return evaluateLambda(expr, item, scope, resolve);
    case 'compare':
      return compare(expr.op, operand(expr.left, item, scope, resolve), operand(expr.right, item, scope, resolve));
  }
}

function propertyValue(expr: PropertyExpr, item: unknown, scope: Scope, resolve: PropertyResolver): unknown {
  const target = expr.variable === undefined ? item : scope.get(expr.variable);
  return expr.path.length === 0 ? target : resolve(target, expr.path);
}

function operand(expr: ValueExpr, item: unknown, scope: Scope, resolve: PropertyResolver): Operand {
  if (expr.type === 'literal') return { value: expr.value, kind: expr.kind };
  return { value: propertyValue(expr, item, scope, resolve) };
}

function evaluateLambda(expr: LambdaExpr, item: unknown, scope: Scope, resolve: PropertyResolver): boolean {
  const collection = propertyValue(expr.collection, item, scope, resolve);
  const elements: readonly unknown[] = Array.isArray(collection) ? collection : [];
  const { predicate, variable } = expr;
  if (predicate === null || variable === null) return elements.length > 0;
  const test = (element: unknown): boolean => evaluate(predicate, item, new Map([...scope, [variable, element]]), resolve);
  return expr.op === 'any' ? elements.some(test) : elements.every(test);
}

function compare(op: ComparisonOp, left: Operand, right: Operand): boolean {
  if (left.value == null || right.value == null) {
    const bothNull = left.value == null && right.value == null;
    if (op === 'eq') return bothNull;
    if (op === 'ne') return !bothNull;
    return false;
  }
  const kind = left.kind ?? right.kind;
  const a = coerce(left.value, kind);
  const b = coerce(right.value, kind);
  if (a === undefined || b === undefined || typeof a !== typeof b) return op === 'ne';
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
  }
}

function coerce(value: unknown, kind: LiteralKind | undefined): string | number | boolean | undefined {
  if (kind === 'datetime' || value instanceof Date) return toEpoch(value);
  if (kind === 'guid') return typeof value === 'string' ? value.toLowerCase() : undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

function toEpoch(value: unknown): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
