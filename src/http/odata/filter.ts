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

export type * from './filterAst.js';
export { COMPARISON_OPS } from './filterAst.js';
export { evaluateFilter, type PropertyResolver } from './filterEvaluate.js';
export { filterConditions, type FilterCondition } from './filterConditions.js';
export { sameName, pathMatches, getPathCI, getPropertyCI } from './names.js';

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
    if (token.kind !== kind) throw filterError(`${what} expected at position ${token.pos} in '${this.text}'.`);
    return this.next();
  }

  private syntaxError(token: Token): Error {
    return filterError(`Syntax error at position ${token.pos} in '${this.text}'.`);
  }

  private parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      left = { type: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseUnary();
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      left = { type: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    const token = this.peek();
    if (isKeyword(token, 'not')) {
      this.next();
      return { type: 'not', operand: this.parseUnary() };
    }
    if (token.kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      this.expect('rparen', "')' or operator");
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
      if (token.kind === 'end') throw filterError(`Comparison operator expected at position ${token.pos} in '${this.text}'.`);
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
        throw filterError(`Expression expected at position ${token.pos} in '${this.text}'.`);
      default:
        throw this.syntaxError(token);
    }
  }

  private dateTimeLiteral(token: Token): LiteralExpr {
    const value = parseDateTimeOffset(token.text);
    if (value === null) {
      throw filterError(`Unrecognized 'Edm.DateTimeOffset' literal '${token.text}' at '${token.pos}' in '${this.text}'.`);
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
      throw filterError(`An unknown function with name '${first.text}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
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
      if (op === 'all') throw filterError(`The 'all' operator requires a lambda expression in '${this.text}'.`);
      return { type: 'lambda', op, collection, variable: null, predicate: null };
    }
    const variable = this.expect('ident', 'Range variable').text;
    this.expect('colon', "':'");
    this.variables.push(variable);
    const predicate = this.parseOr();
    this.variables.pop();
    this.expect('rparen', "')' or operator");
    return { type: 'lambda', op, collection, variable, predicate };
  }
}
