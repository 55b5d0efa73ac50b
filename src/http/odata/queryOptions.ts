/**
 * System query options for one endpoint: recognise them however the client spells them (`$top`, `$TOP`,
 * `top`, `skipToken`, `$SkipToken`), refuse the ones the endpoint does not support with Graph's
 * (ASP.NET OData's) wording, validate them against the endpoint's type, and hand back everything else.
 */

import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../errors.js';
import { validateExpand, type ExpandSpec } from './expandValidation.js';
import type { ExpandItem } from './expand.js';
import { parseExpand } from './expand.js';
import type { FilterExpr } from './filterAst.js';
import { parseFilter } from './filter.js';
import { canonicalName } from './names.js';
import { parseCountValue, parseSkipValue, parseTopValue } from './optionValues.js';
import { parseSelect } from './select.js';

export interface QueryOptionSpec {
  select?: { properties: readonly string[]; typeName: string };
  expand?: ExpandSpec;
  filter?: true;
  top?: { max: number; min?: number };
  /** `$skip`: a non-negative integer offset. */
  skip?: true;
  count?: true;
  skipToken?: true;
  deltaToken?: true;
  /** Accepted `$format` values (e.g. `text/vtt`), matched ignoring case. */
  format?: readonly string[];
  search?: true;
  orderby?: true;
}

export interface ParsedQueryOptions {
  /** Canonical property names (paths keep their tail as sent); may contain `*`. */
  select?: string[];
  expand?: ExpandItem[];
  filter?: FilterExpr;
  filterText?: string;
  /** Already clamped to the spec's max. */
  top?: number;
  skip?: number;
  count?: boolean;
  skipToken?: string;
  deltaToken?: string;
  format?: string;
  search?: string;
  orderby?: string;
  /** Non-system parameters (function parameter aliases and the like), first value of each. */
  other: Record<string, string>;
}

export type QueryInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Lower-case name (no `$`) → the PascalCase name ASP.NET OData's AllowedQueryOptions uses in messages. */
const SYSTEM_OPTIONS = {
  select: 'Select',
  expand: 'Expand',
  filter: 'Filter',
  top: 'Top',
  skip: 'Skip',
  count: 'Count',
  orderby: 'OrderBy',
  search: 'Search',
  format: 'Format',
  skiptoken: 'SkipToken',
  deltatoken: 'DeltaToken',
  compute: 'Compute',
  apply: 'Apply',
} as const;

type SystemOption = keyof typeof SYSTEM_OPTIONS;

function systemOption(key: string): SystemOption | undefined {
  const bare = (key.startsWith('$') ? key.slice(1) : key).toLowerCase();
  return Object.hasOwn(SYSTEM_OPTIONS, bare) ? (bare as SystemOption) : undefined;
}

function isAllowed(option: SystemOption, spec: QueryOptionSpec): boolean {
  switch (option) {
    case 'skiptoken':
      return spec.skipToken === true;
    case 'deltatoken':
      return spec.deltaToken === true;
    case 'compute':
    case 'apply':
      return false;
    default:
      return spec[option] !== undefined;
  }
}

export function parseQueryOptions(query: QueryInput, spec: QueryOptionSpec): ParsedQueryOptions {
  const { system, other } = classify(query);
  for (const option of system.keys()) {
    if (!isAllowed(option, spec)) {
      throw badRequest(
        `The query specified in the URI is not valid. Query option '${SYSTEM_OPTIONS[option]}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
      );
    }
  }
  const result: ParsedQueryOptions = { other };
  for (const [option, value] of system) applyOption(result, option, value, spec);
  return result;
}

function classify(query: QueryInput): { system: Map<SystemOption, string>; other: Record<string, string> } {
  const system = new Map<SystemOption, string>();
  const other: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const values = typeof raw === 'string' ? [raw] : raw;
    const option = systemOption(key);
    if (option === undefined) {
      if (key.startsWith('$')) throw badRequest(`The query parameter '${excerpt(key)}' is not supported.`);
      const first = values[0];
      if (first !== undefined) other[key] = first;
      continue;
    }
    const [value, ...rest] = values;
    if (value === undefined) continue;
    if (rest.length > 0 || system.has(option)) {
      throw badRequest(`Query option '$${option}' was specified more than once, but it must be specified at most once.`);
    }
    system.set(option, value);
  }
  return { system, other };
}

function applyOption(result: ParsedQueryOptions, option: SystemOption, value: string, spec: QueryOptionSpec): void {
  switch (option) {
    case 'select':
      if (spec.select !== undefined) result.select = canonicalSelect(parseSelect(value), spec.select);
      return;
    case 'expand':
      if (spec.expand !== undefined) result.expand = validateExpand(parseExpand(value), spec.expand, spec.select?.properties ?? []);
      return;
    case 'filter':
      result.filter = parseFilter(value);
      result.filterText = value;
      return;
    case 'top':
      if (spec.top !== undefined) result.top = checkTop(value, spec.top);
      return;
    case 'skip':
      result.skip = parseSkipValue(value);
      return;
    case 'count':
      result.count = parseCountValue(value);
      return;
    case 'skiptoken':
      result.skipToken = value;
      return;
    case 'deltatoken':
      result.deltaToken = value;
      return;
    case 'format':
      result.format = checkFormat(value, spec.format ?? []);
      return;
    case 'search':
      result.search = value;
      return;
    case 'orderby':
      result.orderby = value;
      return;
    default:
      return;
  }
}

function canonicalSelect(items: readonly string[], spec: NonNullable<QueryOptionSpec['select']>): string[] {
  return items.map((item) => {
    if (item === '*') return item;
    const slash = item.indexOf('/');
    const head = slash < 0 ? item : item.slice(0, slash);
    const name = canonicalName(spec.properties, head);
    if (name === undefined) throw badRequest(`Could not find a property named '${excerpt(head)}' on type '${spec.typeName}'.`);
    return slash < 0 ? name : name + item.slice(slash);
  });
}

function checkTop(raw: string, spec: NonNullable<QueryOptionSpec['top']>): number {
  const top = parseTopValue(raw);
  if (spec.min !== undefined && top < spec.min) {
    throw badRequest(`Invalid page size specified: '${excerpt(raw)}'. Must be between ${spec.min} and ${spec.max} inclusive.`);
  }
  // Graph pages at its maximum rather than refusing a larger $top.
  return Math.min(top, spec.max);
}

function checkFormat(raw: string, formats: readonly string[]): string {
  const format = canonicalName(formats, raw.trim());
  if (format === undefined) throw badRequest(`Invalid format '${excerpt(raw)}'`);
  return format;
}
