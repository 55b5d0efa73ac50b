/** Tokens of the $filter subset we parse. Positions are 0-based offsets, as ODL reports them. */

import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../errors.js';

export type TokenKind = 'lparen' | 'rparen' | 'comma' | 'slash' | 'colon' | 'string' | 'number' | 'guid' | 'datetime' | 'ident' | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text; for strings, the unescaped value. */
  text: string;
  pos: number;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
  '/': 'slash',
  ':': 'colon',
};

// Order matters: datetimes and GUIDs start like numbers (and GUIDs like identifiers).
const PATTERNS: readonly (readonly [Exclude<TokenKind, 'end'>, RegExp])[] = [
  ['datetime', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/iy],
  ['guid', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/iy],
  ['number', /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/iy],
  ['ident', /[A-Za-z_$][\w.]*/y],
];

const WHITESPACE = /\s/;
const WORD_CHAR = /\w/;

export function filterError(reason: string): Error {
  return badRequest(`Invalid filter clause: ${reason}`);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (WHITESPACE.test(ch)) {
      i += 1;
      continue;
    }
    const punct = PUNCTUATION[ch];
    if (punct !== undefined) {
      tokens.push({ kind: punct, text: ch, pos: i });
      i += 1;
      continue;
    }
    if (ch === "'") {
      const str = readString(text, i);
      tokens.push({ kind: 'string', text: str.value, pos: i });
      i = str.end;
      continue;
    }
    const token = matchPattern(text, i);
    if (token === null) {
      throw filterError(`Syntax error: character '${ch}' is not valid at position ${i} in '${excerpt(text)}'.`);
    }
    tokens.push(token);
    i += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

function matchPattern(text: string, pos: number): Token | null {
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = pos;
    const match = pattern.exec(text);
    if (match === null) continue;
    const next = text[pos + match[0].length];
    // `12ab` or a GUID glued to more letters is not a literal.
    if (kind !== 'ident' && next !== undefined && WORD_CHAR.test(next)) continue;
    return { kind, text: match[0], pos };
  }
  return null;
}

/** A quoted literal from `start` (its opening quote): jumps from quote to quote, so a long literal costs one slice per `''`. */
function readString(text: string, start: number): { value: string; end: number } {
  const pieces: string[] = [];
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0) break;
    pieces.push(text.slice(from, quote));
    if (text[quote + 1] !== "'") return { value: pieces.join("'"), end: quote + 1 };
    from = quote + 2;
  }
  throw filterError(`There is an unterminated string literal at position ${start} in '${excerpt(text)}'.`);
}
