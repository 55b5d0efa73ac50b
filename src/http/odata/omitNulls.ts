/**
 * `Prefer: omit-values=nulls`: drop null values and empty arrays/objects, recursively. Annotations
 * (`@odata.context`, `x@odata.nextLink`) are kept as they are; so is a collection response's top-level
 * `value` array, even when empty, and every element of a collection (an entity never vanishes from a page).
 */

import { isPlainObject } from './names.js';

// The shape changes (empty members vanish), but only as a serialization step, so callers keep their type.
export function omitNulls<T>(value: T): T {
  if (isPlainObject(value)) return cleanObject(value, true) as T;
  if (Array.isArray(value)) return cleanElements(value) as T;
  return value;
}

function clean(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = cleanElements(value);
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const cleaned = cleanObject(value, false);
    return Object.keys(cleaned).length === 0 ? undefined : cleaned;
  }
  return value;
}

function cleanElements(items: readonly unknown[]): unknown[] {
  return items.filter((item) => item !== null && item !== undefined).map((item) => (isPlainObject(item) ? cleanObject(item, false) : Array.isArray(item) ? cleanElements(item) : item));
}

function cleanObject(obj: Record<string, unknown>, isResponseRoot: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(obj)) {
    if (key.includes('@')) out[key] = child;
    else if (isResponseRoot && key === 'value' && Array.isArray(child)) out[key] = cleanElements(child);
    else {
      const cleaned = clean(child);
      if (cleaned !== undefined) out[key] = cleaned;
    }
  }
  return out;
}
