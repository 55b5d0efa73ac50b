/**
 * Checks $expand items against the navigation properties an endpoint can expand and returns them with
 * canonical names. Nested levels are listed as paths: `['sessions', 'sessions/segments', 'participants_v2']`.
 */

import { badRequest } from '../errors.js';
import type { ExpandItem } from './expand.js';
import { canonicalName, sameName } from './names.js';

export interface ExpandSpec {
  /** Expandable navigation paths; `a/b` allows `$expand=a($expand=b)`. */
  navigation: readonly string[];
  typeName: string;
  /** Type names of nested levels for error messages, keyed by navigation path (e.g. `sessions`). */
  navigationTypes?: Readonly<Record<string, string>>;
}

export function validateExpand(items: readonly ExpandItem[], spec: ExpandSpec, properties: readonly string[]): ExpandItem[] {
  return items.map((item) => validateItem(item, '', spec, properties));
}

function validateItem(item: ExpandItem, parent: string, spec: ExpandSpec, properties: readonly string[]): ExpandItem {
  if (item.name === '*') return item;
  let path = parent;
  const canonical: string[] = [];
  for (const segment of item.name.split('/')) {
    const name = childName(spec, path, segment);
    if (name === undefined) throw unknownNavigation(spec, path, segment, properties);
    canonical.push(name);
    path = path === '' ? name : `${path}/${name}`;
  }
  const checked: ExpandItem = { ...item, name: canonical.join('/') };
  if (item.expand !== undefined) checked.expand = item.expand.map((child) => validateItem(child, path, spec, []));
  return checked;
}

function childName(spec: ExpandSpec, parent: string, segment: string): string | undefined {
  const prefix = parent === '' ? [] : parent.split('/');
  const children = spec.navigation
    .map((nav) => nav.split('/'))
    .filter((parts) => parts.length === prefix.length + 1 && prefix.every((p, i) => sameName(p, parts[i] ?? '')))
    .map((parts) => parts[parts.length - 1] ?? '');
  return canonicalName(children, segment);
}

function unknownNavigation(spec: ExpandSpec, parent: string, segment: string, properties: readonly string[]): Error {
  const typeName = parent === '' ? spec.typeName : (spec.navigationTypes?.[parent] ?? spec.typeName);
  const property = canonicalName(properties, segment);
  if (parent === '' && property !== undefined) {
    return badRequest(`Property '${property}' on type '${typeName}' is not a navigation property or complex property. Only navigation properties can be expanded.`);
  }
  return badRequest(`Could not find a property named '${segment}' on type '${typeName}'.`);
}
