/**
 * OData key and function syntax in URL paths, rewritten before routing so one route serves every form:
 * `users('x')`, `users(x)` and `users/x`; `delta()`, `microsoft.graph.delta()` and `delta`.
 * Works on the raw (still percent-encoded) path, so it never changes what a segment decodes to.
 */

import { hasNamedParams } from './functionCall.js';
import { splitTopLevel } from './split.js';

export { parseFunctionCall, resolveFunctionParams, type FunctionCall } from './functionCall.js';

const CALL = /^([^()]*)\(([\s\S]*)\)$/;
const NAMESPACE = /^microsoft\.graph\.(?=[^.]+$)/i;

/** Nothing to rewrite: no parentheses, namespace, empty segment or trailing slash (most requests). */
const PLAIN_PATH = /^\/(?:[^/()]+\/)*[^/()]+$/;
const HAS_NAMESPACE = /microsoft\.graph\./i;

export function normalizeODataPath(path: string): string {
  if (PLAIN_PATH.test(path) && !HAS_NAMESPACE.test(path)) return path;
  const leading = path.startsWith('/');
  const segments = splitTopLevel(path, '/', { quotesInParensOnly: true, percentQuotes: true }) ?? path.split('/');
  const out = segments.filter((s) => s !== '').flatMap(rewriteSegment);
  const joined = out.join('/');
  return leading ? `/${joined}` : joined;
}

export function stripNamespace(segment: string): string {
  const paren = segment.indexOf('(');
  const head = paren < 0 ? segment : segment.slice(0, paren);
  return head.replace(NAMESPACE, '') + (paren < 0 ? '' : segment.slice(paren));
}

function rewriteSegment(raw: string): string[] {
  const segment = stripNamespace(raw);
  const match = CALL.exec(segment);
  if (match === null) return [segment];
  const name = match[1] ?? '';
  const inner = (match[2] ?? '').trim();
  if (inner === '') return name === '' ? [] : [name];
  if (hasNamedParams(inner) || (splitTopLevel(inner, ',', { percentQuotes: true }) ?? []).length !== 1) return [segment];
  const key = keyValue(inner);
  // `('id')` alone appears in some Graph-built links (recordings/('id')/content).
  return name === '' ? [key] : [name, key];
}

/** The key as a path segment: quotes removed, `''` unescaped, `/` encoded so it stays one segment. */
function keyValue(inner: string): string {
  const text = inner.replace(/%27/gi, "'");
  const quoted = text.length >= 2 && text.startsWith("'") && text.endsWith("'");
  const value = quoted ? text.slice(1, -1).replace(/''/g, "'") : inner;
  return value.replace(/\//g, encodeURIComponent('/'));
}
