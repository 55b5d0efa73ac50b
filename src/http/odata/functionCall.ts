/**
 * Function-call segments with named parameters, e.g.
 * `getAllRecordings(meetingOrganizerUserId='x', startDateTime=2024-01-01T00:00:00Z)`.
 * Kiota sends alias placeholders (`startDateTime=@startDateTime`, and quoted `'@meetingOrganizerUserId'`)
 * whose values come from the query string, so aliases are returned as-is and resolved separately.
 */

import { excerpt } from '../../runtime/excerpt.js';
import { badRequest } from '../errors.js';
import { sameName } from './names.js';
import { splitTopLevel } from './split.js';

export interface FunctionCall {
  name: string;
  params: Record<string, string>;
}

const CALL = /^([A-Za-z_][\w.]*)\s*\(([\s\S]*)\)$/;
// The name and `=`; the value is the rest, trimmed in code: a lazy `(.*?)\s*$` for it backtracked
// quadratically over a run of spaces inside the value (100 KB took 8 s).
const PARAM = /^\s*([A-Za-z_]\w*)\s*=/;
// `name=value` with a value; `abc=` / `abc==` are base64 keys ending in padding, not parameters.
const NAMED_PARAM = /^\s*[A-Za-z_][\w.]*\s*=(?!=*\s*$)/;

/** null when the segment is not a call (no parentheses, or key syntax such as `users('x')`). */
export function parseFunctionCall(segment: string): FunctionCall | null {
  const match = CALL.exec(safeDecode(segment).trim());
  if (match === null) return null;
  const name = (match[1] ?? '').replace(/^microsoft\.graph\./i, '');
  const inner = (match[2] ?? '').trim();
  if (inner === '') return { name, params: {} };
  const parts = splitTopLevel(inner, ',');
  if (parts === null) throw invalidCall(segment);
  if (!hasNamedParams(parts)) return null;
  const params: Record<string, string> = {};
  // Names seen, lower-cased: comparing each name with every earlier one was quadratic in the parameter count.
  const seen = new Set<string>();
  for (const part of parts) {
    const param = PARAM.exec(part);
    if (param === null) throw invalidCall(segment);
    const key = param[1] ?? '';
    const value = part.slice(param[0].length).trim();
    if (seen.has(key.toLowerCase())) {
      throw badRequest(`The parameter '${excerpt(key)}' was specified more than once in '${excerpt(name)}'.`);
    }
    seen.add(key.toLowerCase());
    params[key] = unquote(value);
  }
  return { name, params };
}

/** True when the parts inside a segment's parentheses form a named-parameter list (call or composite key). */
export function hasNamedParams(inner: string | readonly string[]): boolean {
  const parts = typeof inner === 'string' ? (splitTopLevel(inner, ',') ?? [inner]) : inner;
  return parts.some((part) => NAMED_PARAM.test(part));
}

/**
 * Replaces `@alias` values (the quoted form arrives here already unquoted) with the query-string value of
 * `@alias` or `alias` (names ignoring case); undefined when the client did not send one.
 */
export function resolveFunctionParams(params: Readonly<Record<string, string>>, query: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(params)) {
    resolved[name] = value.startsWith('@') ? aliasValue(value.slice(1), query) : value;
  }
  return resolved;
}

function aliasValue(alias: string, query: Readonly<Record<string, string | readonly string[] | undefined>>): string | undefined {
  const keys = Object.keys(query);
  const key = keys.find((k) => sameName(k, `@${alias}`)) ?? keys.find((k) => sameName(k, alias));
  if (key === undefined) return undefined;
  const raw = query[key];
  const value = typeof raw === 'string' ? raw : raw?.[0];
  // Alias values are OData literals, so a string may arrive quoted.
  return value === undefined ? undefined : unquote(value.trim());
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function invalidCall(segment: string): Error {
  return badRequest(`Bad Request - Error in query syntax: invalid parameter list in '${excerpt(segment)}'.`);
}
