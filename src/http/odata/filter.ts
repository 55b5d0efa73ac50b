/**
 * $filter: a recursive-descent parser for the subset Graph accepts on our endpoints.
 * Grammar (keywords case-insensitive):
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' or ')' | operand [cmpop operand]   (a bare operand must be a lambda)
 *   operand := literal | path ['/' ('any'|'all') '(' [var ':' or] ')']
 * `not` applies to the comparison that follows it (`not a eq 1` = `not (a eq 1)`), which is what people mean.
 */

import type { ComparisonOp, FilterExpr, LambdaExpr, LiteralExpr, PropertyExpr, ValueExpr } from './filterAst.js';
import { COMPARISON_OPS } from './filterAst.js';
import { filterError, tokenize, type Token } from './filterLexer.js';
import { parseDateTimeOffset } from './datetime.js';
import { excerpt } from '../../runtime/excerpt.js';

export type * from './filterAst.js';
export { COMPARISON_OPS } from './filterAst.js';
export { evaluateFilter, type PropertyResolver } from './filterEvaluate.js';
export { filterConditions, type FilterCondition } from './filterConditions.js';
export { sameName, pathMatches, getPathCI, getPropertyCI } from './names.js';

/**
 * How deeply parentheses, `not` and lambdas may nest. Each level is a few stack frames here and in every
 * walk over the tree; 100,000 levels overflowed the stack (a 500). ODL refuses deep filters with
 * "Recursion depth exceeded allowed limit." too; 100 is far beyond any filter Graph documents.
 */
export const MAX_FILTER_DEPTH = 100;

/**
 * `a and b and c …` as a balanced tree: the same meaning (and/or are associative, evaluation has no
 * side effects, in-order stays left to right), but a chain of n comparisons is log2(n) deep rather than
 * n deep, so the recursive walks over the tree (evaluateFilter, filterConditions) cannot overflow.
 */
function balanced(type: 'and' | 'or', operands: readonly FilterExpr[], from = 0, to = operands.length): FilterExpr {
  if (to - from === 1) return operands[from] as FilterExpr;
  const middle = (from + to) >>> 1;
  return { type, left: balanced(type, operands, from, middle), right: balanced(type, operands, middle, to) };
}

export function parseFilter(text: string): FilterExpr {
  return new FilterParser(text).parse();
}

function isKeyword(token: Token, word: string): boolean {
  return token.kind === 'ident' && token.text.toLowerCase() === word;
}

function comparisonOp(token: Token): ComparisonOp | undefined {
  if (token.kind !== 'ident') return undefined;
  const lower = token.text.toLowerCase();
  return COMPARISON_OPS.find((op) => op === lower);
}

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private readonly variables: string[] = [];
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): FilterExpr {
    if (this.peek().kind === 'end') throw filterError('The filter expression is empty.');
    const expr = this.parseOr();
    if (this.peek().kind !== 'end') throw this.syntaxError(this.peek());
    return expr;
  }

  private peek(offset = 0): Token {
    // The lexer always ends with an 'end' token, so clamp to it.
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw filterError(`${what} expected at position ${token.pos} in '${excerpt(this.text)}'.`);
    return this.next();
  }

  private syntaxError(token: Token): Error {
    return filterError(`Syntax error at position ${token.pos} in '${excerpt(this.text)}'.`);
  }

  /** Each `(`, `not` and lambda goes one level deeper; past MAX_FILTER_DEPTH it is a 400, not a stack overflow (a 500). */
  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) throw filterError('Recursion depth exceeded allowed limit.');
  }

  private parseOr(): FilterExpr {
    const operands = [this.parseAnd()];
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.parseAnd());
    }
    return balanced('or', operands);
  }

  private parseAnd(): FilterExpr {
    const operands = [this.parseUnary()];
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.parseUnary());
    }
    return balanced('and', operands);
  }

  private parseUnary(): FilterExpr {
    const token = this.peek();
    if (isKeyword(token, 'not')) {
      this.next();
      this.enter();
      const operand = this.parseUnary();
      this.depth -= 1;
      return { type: 'not', operand };
    }
    if (token.kind === 'lparen') {
      this.next();
      this.enter();
      const inner = this.parseOr();
      this.expect('rparen', "')' or operator");
      this.depth -= 1;
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpr {
    const start = this.peek();
    const left = this.parseOperand();
    if (left.type === 'lambda') return left;
    const token = this.peek();
    const op = comparisonOp(token);
    if (op === undefined) {
      if (token.kind === 'end') throw filterError(`Comparison operator expected at position ${token.pos} in '${excerpt(this.text)}'.`);
      throw this.syntaxError(token);
    }
    this.next();
    const right = this.parseOperand();
    if (right.type === 'lambda') throw this.syntaxError(start);
    return { type: 'compare', op, left, right };
  }

  private parseOperand(): ValueExpr | LambdaExpr {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { type: 'literal', kind: 'string', value: token.text };
      case 'guid':
        return { type: 'literal', kind: 'guid', value: token.text };
      case 'number':
        return { type: 'literal', kind: 'number', value: Number(token.text) };
      case 'datetime':
        return this.dateTimeLiteral(token);
      case 'ident':
        return this.keywordLiteral(token) ?? this.parsePath(token);
      case 'end':
        throw filterError(`Expression expected at position ${token.pos} in '${excerpt(this.text)}'.`);
      default:
        throw this.syntaxError(token);
    }
  }

  private dateTimeLiteral(token: Token): LiteralExpr {
    const value = parseDateTimeOffset(token.text);
    if (value === null) {
      throw filterError(`Unrecognized 'Edm.DateTimeOffset' literal '${excerpt(token.text)}' at '${token.pos}' in '${excerpt(this.text)}'.`);
    }
    return { type: 'literal', kind: 'datetime', value, text: token.text };
  }

  private keywordLiteral(token: Token): LiteralExpr | undefined {
    // A keyword followed by '/' is a property that happens to share the name.
    if (this.peek().kind === 'slash') return undefined;
    switch (token.text.toLowerCase()) {
      case 'true':
        return { type: 'literal', kind: 'boolean', value: true };
      case 'false':
        return { type: 'literal', kind: 'boolean', value: false };
      case 'null':
        return { type: 'literal', kind: 'null', value: null };
      default:
        return undefined;
    }
  }

  private parsePath(first: Token): PropertyExpr | LambdaExpr {
    if (this.peek().kind === 'lparen') {
      throw filterError(`An unknown function with name '${excerpt(first.text)}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
    }
    const property: PropertyExpr = this.variables.includes(first.text) ? { type: 'property', path: [], variable: first.text } : { type: 'property', path: [first.text] };
    while (this.peek().kind === 'slash') {
      this.next();
      const segment = this.expect('ident', 'Property name');
      const lambdaOp = segment.text.toLowerCase();
      if ((lambdaOp === 'any' || lambdaOp === 'all') && this.peek().kind === 'lparen') {
        return this.parseLambda(lambdaOp, property);
      }
      if (this.peek().kind === 'lparen') throw this.syntaxError(this.peek());
      property.path.push(segment.text);
    }
    return property;
  }

  private parseLambda(op: 'any' | 'all', collection: PropertyExpr): LambdaExpr {
    this.expect('lparen', "'('");
    if (this.peek().kind === 'rparen') {
      this.next();
      if (op === 'all') throw filterError(`The 'all' operator requires a lambda expression in '${excerpt(this.text)}'.`);
      return { type: 'lambda', op, collection, variable: null, predicate: null };
    }
    const variable = this.expect('ident', 'Range variable').text;
    this.expect('colon', "':'");
    this.variables.push(variable);
    this.enter();
    const predicate = this.parseOr();
    this.depth -= 1;
    this.variables.pop();
    this.expect('rparen', "')' or operator");
    return { type: 'lambda', op, collection, variable, predicate };
  }
}
