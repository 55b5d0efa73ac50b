/**
 * Case-insensitive property-name helpers. Graph matches property names in query options without regard
 * to case (`$filter=contentcorrelationId eq ...` finds `contentCorrelationId`), so every lookup goes here.
 */

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** True when `path` (segments) names `expected` ('a/b/c' or segments), ignoring case. */
export function pathMatches(path: readonly string[], expected: string | readonly string[]): boolean {
  const want = typeof expected === 'string' ? expected.split('/') : expected;
  return path.length === want.length && path.every((seg, i) => sameName(seg, want[i] ?? ''));
}

/** The canonical spelling from `names` that matches `name` ignoring case; an exact match wins. */
export function canonicalName(names: readonly string[], name: string): string | undefined {
  if (names.includes(name)) return name;
  return names.find((n) => sameName(n, name));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own property of a plain object by name, exact spelling first, then ignoring case. */
export function getPropertyCI(target: unknown, name: string): unknown {
  if (!isPlainObject(target)) return undefined;
  if (Object.hasOwn(target, name)) return target[name];
  const key = canonicalName(Object.keys(target), name);
  return key === undefined ? undefined : target[key];
}

export function getPathCI(target: unknown, path: readonly string[]): unknown {
  let current = target;
  for (const segment of path) current = getPropertyCI(current, segment);
  return current;
}
