/**
 * Splits OData text on a separator that is outside parentheses and single-quoted strings
 * (`a,b(c,d),'e,f'`). Quotes escape by doubling (`''`), which the toggle handles by itself.
 */

export interface SplitOptions {
  /** Recognise quotes only inside parentheses (URL paths, where a bare `'` in a segment is just a character). */
  quotesInParensOnly?: boolean;
  /** Treat `%27` as a quote too (clients percent-encode quotes in paths). */
  percentQuotes?: boolean;
}

/** Returns null when parentheses are unbalanced or a string is unterminated. */
export function splitTopLevel(text: string, separator: string, options: SplitOptions = {}): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const quoteLength = quoteAt(text, i, options.percentQuotes === true);
    if (quoteLength > 0 && (inQuote || depth > 0 || options.quotesInParensOnly !== true)) {
      inQuote = !inQuote;
      i += quoteLength;
      continue;
    }
    const ch = text[i];
    if (!inQuote) {
      if (ch === '(') depth += 1;
      else if (ch === ')') {
        depth -= 1;
        if (depth < 0) return null;
      } else if (depth === 0 && text.startsWith(separator, i)) {
        parts.push(text.slice(start, i));
        i += separator.length;
        start = i;
        continue;
      }
    }
    i += 1;
  }
  if (depth !== 0 || inQuote) return null;
  parts.push(text.slice(start));
  return parts;
}

function quoteAt(text: string, i: number, percent: boolean): number {
  if (text[i] === "'") return 1;
  if (percent && text[i] === '%' && text.slice(i + 1, i + 3).toLowerCase() === '27') return 3;
  return 0;
}
