/**
 * The Prefer request header (RFC 7240) and the Preference-Applied answer. Graph honours
 * `odata.maxpagesize`, `omit-values=nulls` and `include-unknown-enum-members` on our endpoints (https://learn.microsoft.com/graph/api/callrecords-callrecord-get);
 * unknown or malformed preferences are ignored, never an error.
 */

export { omitNulls } from './omitNulls.js';

export interface Preferences {
  /** Positive integer page size the client asked for; callers cap it at the endpoint's maximum. */
  maxPageSize?: number;
  omitNulls: boolean;
  includeUnknownEnumMembers: boolean;
  return?: 'minimal' | 'representation';
  respondAsync: boolean;
  /** Every preference sent, lower-case name → value ('' when valueless); the first occurrence wins. */
  all: Record<string, string>;
}

export function parsePrefer(header: string | readonly string[] | undefined): Preferences {
  const all: Record<string, string> = {};
  const headers = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  for (const line of headers) {
    for (const preference of splitOutsideQuotes(line, ',')) {
      // Parameters after ';' do not change any preference we honour.
      const [token = ''] = splitOutsideQuotes(preference, ';');
      const eq = token.indexOf('=');
      const name = (eq < 0 ? token : token.slice(0, eq)).trim().toLowerCase();
      if (name === '' || Object.hasOwn(all, name)) continue;
      all[name] = eq < 0 ? '' : unquote(token.slice(eq + 1).trim());
    }
  }
  return interpret(all);
}

/**
 * The Preference-Applied header value: each applied preference named once, in order. A response
 * whose collections were paged by different sizes (participants by 100, sessions by their cap of 60)
 * names `odata.maxpagesize` once, with the largest size applied (OData 4.01 Protocol §8.2.8.5).
 */
export function preferenceApplied(applied: readonly string[]): string {
  const out = new Map<string, string>();
  for (const raw of applied) {
    const preference = raw.trim();
    const eq = preference.indexOf('=');
    const name = (eq < 0 ? preference : preference.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const kept = out.get(name);
    if (kept === undefined) out.set(name, preference);
    else if (name === 'odata.maxpagesize' && pageSizeOf(preference) > pageSizeOf(kept)) out.set(name, preference);
  }
  return [...out.values()].join(', ');
}

const pageSizeOf = (preference: string): number => Number(preference.slice(preference.indexOf('=') + 1)) || 0;

function interpret(all: Record<string, string>): Preferences {
  const prefs: Preferences = {
    omitNulls: all['omit-values']?.toLowerCase() === 'nulls',
    includeUnknownEnumMembers: Object.hasOwn(all, 'include-unknown-enum-members'),
    respondAsync: Object.hasOwn(all, 'respond-async'),
    all,
  };
  // OData 4.01 drops the `odata.` prefix; accept both spellings.
  const pageSize = all['odata.maxpagesize'] ?? all['maxpagesize'];
  if (pageSize !== undefined && /^\d+$/.test(pageSize) && Number(pageSize) > 0) prefs.maxPageSize = Number(pageSize);
  const ret = all['return']?.toLowerCase();
  if (ret === 'minimal' || ret === 'representation') prefs.return = ret;
  return prefs;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && inQuote) i += 1;
    else if (ch === '"') inQuote = !inQuote;
    else if (ch === separator && !inQuote) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}
