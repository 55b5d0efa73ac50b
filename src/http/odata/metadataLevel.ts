/**
 * The `odata.metadata` format parameter of `Accept: application/json;odata.metadata=none|minimal|full`
 * (OData JSON Format 4.01 §3.1, https://docs.oasis-open.org/odata/odata-json-format/v4.01/odata-json-format-v4.01.html#sec_ControllingtheAmountofControlInformation):
 * how much control information (`@odata.*`) a response carries. Handlers write minimal metadata; one
 * step before sending reshapes the body for the other two levels.
 *
 * - `none`: no control information but `nextLink`, `deltaLink` and `count` (of the response or of an
 *   expanded collection: `sessions@odata.nextLink`). The CLI for Microsoft 365 asks for this on every call.
 * - `full`: each entity also carries `@odata.type`, `@odata.id` and `@odata.editLink`, computed from the
 *   response's context URL.
 *
 * An unknown level, or none asked for, is minimal: Graph's default, and never an error.
 */

export type MetadataLevel = 'none' | 'minimal' | 'full';

const LEVELS: readonly MetadataLevel[] = ['none', 'minimal', 'full'];

/** The level the Accept header asks for: its `application/json` range with the highest q that names a known level. */
export function metadataLevel(accept: string | readonly string[] | undefined): MetadataLevel {
  const text = accept === undefined ? '' : typeof accept === 'string' ? accept : accept.join(',');
  let best: { level: MetadataLevel; q: number } | undefined;
  for (const range of text.split(',')) {
    const [mediaType = '', ...params] = range.split(';');
    if (mediaType.trim().toLowerCase() !== 'application/json') continue;
    let level: MetadataLevel | undefined;
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      const value = param
        .slice(eq + 1)
        .trim()
        .toLowerCase();
      // OData 4.01 drops the `odata.` prefix; both spellings are accepted.
      if (name === 'odata.metadata' || name === 'metadata') level = LEVELS.find((l) => l === value);
      else if (name === 'q') q = Number(value);
    }
    if (level === undefined || !(q > 0)) continue;
    if (best === undefined || q > best.q) best = { level, q };
  }
  return best?.level ?? 'minimal';
}

const KEPT_IN_NONE = ['@odata.nextLink', '@odata.deltaLink', '@odata.count'];

/** Is `key` OData control information (`@odata.x`, or `property@odata.x`)? */
const isControl = (key: string): boolean => key.includes('@odata.');

/** odata.metadata=none: every `@odata.*` removed, at any depth, except next links, delta links and counts. */
export function withoutControlInformation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutControlInformation);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isControl(key) && !KEPT_IN_NONE.some((kept) => key.endsWith(kept))) continue;
    out[key] = withoutControlInformation(v);
  }
  return out;
}

/**
 * The entity type behind the last segment of a context URL: the entity sets and navigation properties
 * Graph routes here serve (https://learn.microsoft.com/graph/api/resources/cloud-communications-api-overview).
 */
const SEGMENT_TYPES: Readonly<Record<string, string>> = {
  users: 'microsoft.graph.user',
  onlineMeetings: 'microsoft.graph.onlineMeeting',
  adhocCalls: 'microsoft.graph.adhocCall',
  recordings: 'microsoft.graph.callRecording',
  transcripts: 'microsoft.graph.callTranscript',
  calls: 'microsoft.graph.call',
  operations: 'microsoft.graph.commsOperation',
  subscriptions: 'microsoft.graph.subscription',
  callRecords: 'microsoft.graph.callRecords.callRecord',
  sessions: 'microsoft.graph.callRecords.session',
  segments: 'microsoft.graph.callRecords.segment',
  participants_v2: 'microsoft.graph.callRecords.participant',
  organizer_v2: 'microsoft.graph.callRecords.organizer',
};

/** Single-valued navigation properties: the entity's id is the path itself, without a key. */
const SINGLE_VALUED = new Set(['organizer_v2']);

interface ContextTarget {
  /** The service root (`https://host/v1.0`). */
  root: string;
  /** The entity type's qualified name. */
  type: string;
  /** The path of the collection or single-valued property (keys kept, select lists dropped); undefined when the context names a type only. */
  path?: string;
  single: boolean;
  singleValued: boolean;
}

/** Split at `/` outside parentheses and quotes. */
function segmentsOf(fragment: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < fragment.length; i += 1) {
    const ch = fragment[i];
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === '/' && depth === 0) {
      out.push(fragment.slice(start, i));
      start = i + 1;
    }
  }
  out.push(fragment.slice(start));
  return out;
}

/** What a context URL (`{root}/$metadata#users('x')/onlineMeetings('y')/transcripts(id)/$entity`) says about the entities of the response. */
export function contextTarget(context: string): ContextTarget | undefined {
  const at = context.indexOf('/$metadata#');
  if (at < 0) return undefined;
  const root = context.slice(0, at);
  const segments = segmentsOf(context.slice(at + '/$metadata#'.length));
  let single = false;
  if (segments.at(-1) === '$entity') {
    single = true;
    segments.pop();
  } else if (segments.at(-1) === '$delta') segments.pop();
  const collection = /^Collection\((.+)\)$/.exec(segments.join('/'));
  if (collection !== null) {
    const name = collection[1]!;
    return { root, type: name.includes('.') ? name : `microsoft.graph.${name}`, single: false, singleValued: false };
  }
  const path: string[] = [];
  let last = '';
  for (const segment of segments) {
    const paren = segment.indexOf('(');
    last = paren < 0 ? segment : segment.slice(0, paren);
    // A key (`('x')`) stays; a select list (`(id,version)`, `(sessions(segments()))`) does not.
    path.push(paren >= 0 && segment[paren + 1] === "'" ? segment : last);
  }
  const type = SEGMENT_TYPES[last];
  if (type === undefined) return undefined;
  return { root, type, path: path.join('/'), single, singleValued: SINGLE_VALUED.has(last) };
}

/** `@odata.type`, `@odata.id`, `@odata.editLink` first, then the entity (its own `@odata.type`, a derived type, wins). */
function annotated(entity: Record<string, unknown>, target: ContextTarget, head: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...head, '@odata.type': entity['@odata.type'] ?? `#${target.type}` };
  const id = entity['id'];
  if (target.path !== undefined && (target.singleValued || typeof id === 'string')) {
    const url = target.singleValued ? `${target.root}/${target.path}` : `${target.root}/${target.path}('${String(id).replaceAll("'", "''")}')`;
    out['@odata.id'] = url;
    out['@odata.editLink'] = url;
  }
  for (const [key, v] of Object.entries(entity)) if (!(key in out)) out[key] = v;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * odata.metadata=full: the response's entities (the entity itself, or each item of `value`) carry their
 * type, id and edit link, computed from the response's `@odata.context`. A body without a context, or
 * whose context names something other than entities, is left as it is.
 */
export function withFullControlInformation(body: unknown): unknown {
  if (!isObject(body) || typeof body['@odata.context'] !== 'string') return body;
  const target = contextTarget(body['@odata.context']);
  if (target === undefined) return body;
  if (target.single || target.singleValued) {
    const { '@odata.context': context, ...entity } = body;
    return annotated(entity, target, { '@odata.context': context });
  }
  if (!Array.isArray(body['value'])) return body;
  return { ...body, value: body['value'].map((item) => (isObject(item) && !('@removed' in item) ? annotated(item, target) : item)) };
}

/** Shape a minimal-metadata body for `level`. */
export function atMetadataLevel(body: unknown, level: MetadataLevel): unknown {
  if (level === 'none') return withoutControlInformation(body);
  if (level === 'full') return withFullControlInformation(body);
  return body;
}
