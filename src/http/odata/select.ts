/** $select: parsing the list, and trimming a response object to it. */

import { invalidTerm } from './optionValues.js';
import { isPlainObject, sameName } from './names.js';

// A property, a path into a complex property (`organizer/user`), a qualified name, or `*`.
const SELECT_ITEM = /^(\*|[A-Za-z_][\w.]*(\/[A-Za-z_][\w.]*)*)$/;

export function parseSelect(text: string): string[] {
  return text.split(',').map((raw) => {
    const item = raw.trim();
    if (!SELECT_ITEM.test(item)) throw invalidTerm(item);
    return item;
  });
}

/**
 * Keeps the selected properties (names compared ignoring case; `a/b` keeps `b` inside `a`), instance
 * annotations (`@odata.context`, `@removed`, ...), annotations of kept properties (`x@odata.nextLink`),
 * and `alwaysKeep` (e.g. `id`, which Graph returns for entities whatever the selection).
 */
export function applySelect(obj: object, select: readonly string[], alwaysKeep: readonly string[] = []): Record<string, unknown> {
  const entries = Object.entries(obj);
  if (select.includes('*')) return Object.fromEntries(entries);
  const selection = groupPaths(select);
  const result: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const at = key.indexOf('@');
    if (at === 0) {
      result[key] = value;
      continue;
    }
    const base = at > 0 ? key.slice(0, at) : key;
    const sub = lookup(selection, base);
    if (alwaysKeep.some((name) => sameName(name, base)) || sub === 'all') result[key] = value;
    else if (sub !== undefined) result[key] = at > 0 ? value : selectInside(value, sub);
  }
  return result;
}

type Selection = Map<string, 'all' | string[]>;

function groupPaths(select: readonly string[]): Selection {
  const groups: Selection = new Map();
  for (const path of select) {
    const slash = path.indexOf('/');
    const head = (slash < 0 ? path : path.slice(0, slash)).toLowerCase();
    const current = groups.get(head);
    if (slash < 0) groups.set(head, 'all');
    else if (current !== 'all') groups.set(head, [...(current ?? []), path.slice(slash + 1)]);
  }
  return groups;
}

function lookup(selection: Selection, name: string): 'all' | string[] | undefined {
  return selection.get(name.toLowerCase());
}

function selectInside(value: unknown, paths: readonly string[]): unknown {
  if (isPlainObject(value)) return applySelect(value, paths);
  if (Array.isArray(value)) return value.map((element) => selectInside(element, paths));
  return value;
}
