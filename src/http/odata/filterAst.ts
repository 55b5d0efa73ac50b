/** The $filter syntax tree. Property names keep the client's spelling; compare them with `sameName`. */

export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export const COMPARISON_OPS: readonly ComparisonOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

export type LiteralExpr =
  | { type: 'literal'; kind: 'string'; value: string }
  | { type: 'literal'; kind: 'guid'; value: string }
  | { type: 'literal'; kind: 'number'; value: number }
  | { type: 'literal'; kind: 'boolean'; value: boolean }
  | { type: 'literal'; kind: 'null'; value: null }
  /** `text` is the literal as written (keeps sub-millisecond digits that Date drops). */
  | { type: 'literal'; kind: 'datetime'; value: Date; text: string };

export type LiteralKind = LiteralExpr['kind'];
export type LiteralValue = LiteralExpr['value'];

/** A property path; `variable` is set when it starts at a lambda variable (`p/id` inside `any(p: ...)`). */
export interface PropertyExpr {
  type: 'property';
  path: string[];
  variable?: string;
}

export type ValueExpr = PropertyExpr | LiteralExpr;

export interface ComparisonExpr {
  type: 'compare';
  op: ComparisonOp;
  left: ValueExpr;
  right: ValueExpr;
}

export interface LambdaExpr {
  type: 'lambda';
  op: 'any' | 'all';
  collection: PropertyExpr;
  /** null for the argument-less form `collection/any()`. */
  variable: string | null;
  predicate: FilterExpr | null;
}

export type FilterExpr =
  ComparisonExpr | LambdaExpr | { type: 'and'; left: FilterExpr; right: FilterExpr } | { type: 'or'; left: FilterExpr; right: FilterExpr } | { type: 'not'; operand: FilterExpr };
