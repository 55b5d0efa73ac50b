/**
 * $expand: `a,b($expand=c;$select=d,e;$top=5)`. Items are comma-separated, nested options are
 * `;`-separated inside parentheses, and both may nest, so splitting respects parens and quotes.
 */

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
const ITEM = /^([^()]*?)\s*(?:\(([\s\S]*)\))?$/;
const PASSTHROUGH = new Set(['orderby', 'skip', 'search', 'levels']);

export function parseExpand(text: string): ExpandItem[] {
  const items = splitTopLevel(text, ',');
  if (items === null) throw badRequest('Found an unbalanced bracket expression.');
  return items.map((item) => parseItem(item.trim()));
}

function parseItem(text: string): ExpandItem {
  const match = ITEM.exec(text);
  const name = match?.[1] ?? '';
  if (match === null || !NAME.test(name)) throw invalidTerm(text);
  const item: ExpandItem = { name, options: {} };
  const inner = match[2]?.trim() ?? '';
  if (inner === '') return item;
  // `a(b)(c)` matches ITEM with inner `b)(c`, which does not split.
  const options = splitTopLevel(inner, ';');
  if (options === null) throw invalidTerm(text);
  for (const option of options) {
    // A trailing `;` leaves an empty option; ODL tolerates it.
    if (option.trim() !== '') applyOption(item, option.trim(), text);
  }
  return item;
}

function applyOption(item: ExpandItem, option: string, itemText: string): void {
  const eq = option.indexOf('=');
  if (eq <= 0) throw invalidTerm(itemText);
  const key = option.slice(0, eq).trim().toLowerCase().replace(/^\$/, '');
  const value = option.slice(eq + 1).trim();
  const seen = key in item.options || (key in item && key !== 'name' && key !== 'options');
  if (seen) {
    throw badRequest(`Query option '$${key}' was specified more than once, but it must be specified at most once.`);
  }
  switch (key) {
    case 'select':
      item.select = parseSelect(value);
      return;
    case 'expand':
      item.expand = parseExpand(value);
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
