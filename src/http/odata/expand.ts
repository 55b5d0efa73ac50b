/**
 * $expand: `a,b($expand=c;$select=d,e;$top=5)`. Items are comma-separated, nested options are
 * `;`-separated inside parentheses, and both may nest, so splitting respects parens and quotes.
 */

import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../errors.js';
import { parseFilter, type FilterExpr } from './filter.js';
import { invalidTerm, parseCountValue, parseTopValue } from './optionValues.js';
import { parseSelect } from './select.js';
import { splitTopLevel } from './split.js';

export interface ExpandItem {
  /** Navigation property as the client spelled it (`*` for all). */
  name: string;
  select?: string[];
  expand?: ExpandItem[];
  filter?: FilterExpr;
  top?: number;
  count?: boolean;
  /** Other nested options ($orderby, $skip, $search, $levels), raw, keyed by lower-case name without `$`. */
  options: Record<string, string>;
}

const NAME = /^(\*|[A-Za-z_][\w.]*(\/[A-Za-z_][\w.]*)*)$/;
const PASSTHROUGH = new Set(['orderby', 'skip', 'search', 'levels']);

/**
 * How deeply `$expand=a($expand=b($expand=…))` may nest. Each level re-scans the text inside it and
 * recurses, so without a cap 100,000 levels overflow the stack and 10,000 take seconds. Graph's own
 * navigation paths here are at most 2 deep (sessions/segments); ASP.NET OData's default MaxExpansionDepth is 2.
 */
export const MAX_EXPAND_DEPTH = 10;

export function parseExpand(text: string, depth = 1): ExpandItem[] {
  if (depth > MAX_EXPAND_DEPTH) throw badRequest(`The request includes a $expand path which is too deep. The maximum depth allowed is ${MAX_EXPAND_DEPTH}.`);
  const items = splitTopLevel(text, ',');
  if (items === null) throw badRequest('Found an unbalanced bracket expression.');
  return items.map((item) => parseItem(item.trim(), depth));
}

/**
 * `name` or `name(options)`. Split by hand: the regular expression it replaces (`^([^()]*?)\s*(?:\((.*)\))?$`)
 * backtracked quadratically over a run of spaces (100 KB of them took 14 s).
 */
function splitItem(text: string): { name: string; inner: string } | null {
  const open = text.indexOf('(');
  if (open < 0) return text.includes(')') ? null : { name: text.trimEnd(), inner: '' };
  const head = text.slice(0, open);
  if (head.includes(')') || !text.endsWith(')')) return null;
  return { name: head.trimEnd(), inner: text.slice(open + 1, -1) };
}

function parseItem(text: string, depth: number): ExpandItem {
  const match = splitItem(text);
  const name = match?.name ?? '';
  if (match === null || !NAME.test(name)) throw invalidTerm(text);
  const item: ExpandItem = { name, options: {} };
  const inner = match.inner.trim();
  if (inner === '') return item;
  // `a(b)(c)` matches ITEM with inner `b)(c`, which does not split.
  const options = splitTopLevel(inner, ';');
  if (options === null) throw invalidTerm(text);
  for (const option of options) {
    // A trailing `;` leaves an empty option; ODL tolerates it.
    if (option.trim() !== '') applyOption(item, option.trim(), text, depth);
  }
  return item;
}

function applyOption(item: ExpandItem, option: string, itemText: string, depth: number): void {
  const eq = option.indexOf('=');
  if (eq <= 0) throw invalidTerm(itemText);
  const key = option.slice(0, eq).trim().toLowerCase().replace(/^\$/, '');
  const value = option.slice(eq + 1).trim();
  const seen = key in item.options || (key in item && key !== 'name' && key !== 'options');
  if (seen) {
    throw badRequest(`Query option '$${excerpt(key)}' was specified more than once, but it must be specified at most once.`);
  }
  switch (key) {
    case 'select':
      item.select = parseSelect(value);
      return;
    case 'expand':
      item.expand = parseExpand(value, depth + 1);
      return;
    case 'filter':
      item.filter = parseFilter(value);
      return;
    case 'top':
      item.top = parseTopValue(value);
      return;
    case 'count':
      item.count = parseCountValue(value);
      return;
    default:
      if (!PASSTHROUGH.has(key)) throw invalidTerm(itemText);
      item.options[key] = value;
  }
}
