import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RecordedRequest } from '../runtime/wire.js';
export type { RecordedRequest };

/**
 * The request recorder behind the dashboard's Requests page and GET /_emulator/requests: the last
 * N requests (Graph, identity and control) in a ring buffer. Recording is cheap by design: a
 * request's hook keeps references (headers, parsed body, the response payload cut to a cap) and
 * everything costly — redaction, decoding the token's claims, serializing — happens only when the
 * record is read.
 */

/** Bodies are kept up to this many characters (bytes for binary ones), then cut. */
export const BODY_CAP = 16 * 1024;

/** Header and body field names whose values are secrets: never shown (matched case-insensitively). */
const SECRET_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'client_secret',
  'clientsecret',
  'clientsecrets',
  'passwords',
  'client_assertion',
  'assertion',
  'password',
  'refresh_token',
  'access_token',
  'id_token',
  'code_verifier',
  'clientstate',
  'key',
  'keys',
  'privatekey',
  'private_key',
  'encryptioncertificate',
  'dataKey'.toLowerCase(),
  'admintoken',
  'secret',
  'secrettext',
]);
const REDACTED = '[redacted]';
/** In forms, query strings and redirects `code` is an authorization code (in JSON it is an error code, kept). */
const FORM_SECRET_NAMES = new Set([...SECRET_NAMES, 'code']);

/** A URL (or path) with its secret query parameters masked. */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (FORM_SECRET_NAMES.has(key.toLowerCase())) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${params.toString()}` : url;
}

/** Control-API reads the dashboard makes to draw itself: not recorded, or it would fill the buffer with its own polling. */
const OWN_TRAFFIC = /^\/_emulator\/(ui(\/|$|\?)|events(\?|$)|requests(\?|$))/i;
export const DASHBOARD_CLIENT = 'dashboard';

/**
 * What is kept of one request: references only, nothing decoded, copied or formatted (present() does
 * that when the record is read). Strings equal to the previous record's (the same app polling the same
 * URL with the same token, getting the same answer) are replaced by the previous record's own, so the
 * ring holds one copy of them: each record otherwise outlives a few of V8's young-generation
 * collections and is copied, then promoted, with its ~1.5 KB token and its response body
 * (bench part `recorder`, issue 14: "the request recorder costs ≤ 5% of Graph GET throughput").
 */
interface RawRecord {
  id: number;
  at: number;
  method: string;
  url: string;
  status: number;
  ms: number;
  appId: string | undefined;
  userId: string | undefined;
  error: string | undefined;
  fault: string | undefined;
  requestId: string | undefined;
  requestHeaders: FastifyRequest['headers'];
  requestBody: unknown;
  /**
   * A copy of the response headers as they stand when the payload is sent (content-length is added
   * later by Fastify for a string or Buffer payload: present() derives it from the payload). Keeping
   * the reply instead kept each recorded request's whole object graph (request, reply, the raw
   * IncomingMessage and ServerResponse) alive for the ring's length.
   */
  responseHeaders: ReturnType<FastifyReply['getHeaders']>;
  /** The payload as sent, cut to BODY_CAP; undefined for a stream. */
  responseBody: string | Buffer | undefined;
  /** The whole payload's length in bytes when it was cut; undefined when kept whole or streamed. */
  responseLength: number | undefined;
}

/** `value`, or `previous` when they are equal strings (the ring then holds one copy). */
function shared<T>(value: T, previous: T | undefined): T {
  return previous !== undefined && value === previous ? previous : value;
}

/** Header values of the previous record's request that equal this one's: share them (the token, user-agent, accept…). */
function shareHeaders(headers: FastifyRequest['headers'], previous: FastifyRequest['headers'] | undefined): FastifyRequest['headers'] {
  if (previous === undefined) return headers;
  for (const name in headers) {
    const value = headers[name];
    // Short values cost less to keep than to compare and store again.
    if (typeof value === 'string' && value.length > 40) {
      const before = previous[name];
      if (before === value) headers[name] = before;
    }
  }
  return headers;
}

export interface RequestFilter {
  status?: string;
  app?: string;
  path?: string;
  top?: number;
  after?: number;
}

type Listener = (record: RecordedRequest) => void;

/** The ring buffer. Capacity 0 records nothing. */
export class RequestRecorder {
  private readonly ring: Array<RawRecord | undefined>;
  private next = 0;
  private lastId = 0;
  private readonly listeners = new Set<Listener>();

  constructor(readonly capacity: number) {
    this.ring = new Array<RawRecord | undefined>(capacity);
    this.recording = capacity > 0;
  }

  /**
   * Whether requests are recorded now (PUT /_emulator/requests/recording pauses and resumes; the bench
   * measures the recorder's cost on one server this way). A recorder of capacity 0 never records.
   */
  recording: boolean;

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /** Whether a request is recorded at all (the dashboard's own reads are not). */
  static records(request: FastifyRequest): boolean {
    const url = request.url;
    if (url.charCodeAt(1) !== 95 /* _ */) return true;
    if (OWN_TRAFFIC.test(url)) return false;
    return !(request.method === 'GET' && request.headers['x-emulator-client'] === DASHBOARD_CLIENT);
  }

  /**
   * Record a request as its response goes out (Fastify's onSend hook, the one hook the recorder
   * adds): the status and headers are final, and the payload is the serialized body, seen without
   * serializing it again. The latency is to the response head (a streamed download's transfer is not
   * in it).
   */
  capture(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    if (!this.recording || !RequestRecorder.records(request)) return;
    const previous = this.ring[(this.next + this.capacity - 1) % this.capacity];
    const state = request.graphState as FastifyRequest['graphState'] | null;
    const principal = state?.principal;
    let body: string | Buffer | undefined;
    let length: number | undefined;
    if (typeof payload === 'string') {
      if (payload.length > BODY_CAP) {
        length = Buffer.byteLength(payload);
        body = payload.slice(0, BODY_CAP);
      } else body = shared(payload, typeof previous?.responseBody === 'string' ? previous.responseBody : undefined);
    } else if (Buffer.isBuffer(payload)) {
      if (payload.length > BODY_CAP) {
        length = payload.length;
        body = Buffer.from(payload.subarray(0, BODY_CAP));
      } else body = payload;
    }
    const record: RawRecord = {
      id: ++this.lastId,
      at: Date.now(),
      method: request.method,
      url: shared(request.originalUrl, previous?.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      appId: shared(principal?.clientId, previous?.appId),
      userId: principal?.kind === 'delegated' ? shared(principal.objectId, previous?.userId) : undefined,
      error: state?.errorCode,
      fault: state?.fault,
      requestId: state?.requestId,
      requestHeaders: shareHeaders(request.headers, previous?.requestHeaders),
      requestBody: request.body,
      responseHeaders: reply.getHeaders(),
      responseBody: body,
      responseLength: length,
    };
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    if (this.listeners.size > 0) {
      const view = present(record);
      for (const listener of this.listeners) listener(view);
    }
  }

  /** Newest first, filtered. */
  list(filter: RequestFilter = {}): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    const top = filter.top ?? 100;
    for (let i = 1; i <= this.capacity && out.length < top; i++) {
      const raw = this.ring[(this.next - i + this.capacity * 2) % this.capacity];
      if (raw === undefined) break;
      if (filter.after !== undefined && raw.id <= filter.after) break;
      const view = present(raw);
      if (matches(view, filter)) out.push(view);
    }
    return out;
  }

  get(id: number): RecordedRequest | undefined {
    for (const raw of this.ring) if (raw?.id === id) return present(raw);
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }

  /** Called with each new record; returns the unsubscribe function. */
  onRecord(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function matches(view: RecordedRequest, filter: RequestFilter): boolean {
  if (filter.status !== undefined && filter.status !== '') {
    const s = filter.status.toLowerCase();
    const ok = /^[1-5]xx$/.test(s) ? String(view.status)[0] === s[0] : String(view.status) === s || (s === 'error' && view.status >= 400);
    if (!ok) return false;
  }
  if (filter.app !== undefined && filter.app !== '') {
    const a = filter.app.toLowerCase();
    if (
      !(view.appId ?? '').toLowerCase().includes(a) &&
      !String(view.tokenClaims?.['app_displayname'] ?? '')
        .toLowerCase()
        .includes(a)
    )
      return false;
  }
  if (filter.path !== undefined && filter.path !== '' && !view.path.toLowerCase().includes(filter.path.toLowerCase())) return false;
  return true;
}

function areaOf(path: string): RecordedRequest['area'] {
  if (/^\/(v1\.0|beta)(\/|$)/i.test(path)) return 'graph';
  if (path.startsWith('/_emulator')) return 'control';
  if (/\/oauth2\/|\/\.well-known\/|\/discovery\/|\/common\/|\/organizations\//i.test(path) || /^\/[^/]+\/(oauth2|v2\.0)\//.test(path)) return 'identity';
  return 'other';
}

/** The claims of a JWT (its middle part), or null: the signature and the token itself are never kept in a view. */
export function decodeClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function headerText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'authorization' && typeof value === 'string') out[lower] = `${value.split(' ')[0] ?? ''} ${REDACTED}`;
    else if (lower === 'location') out[lower] = redactUrl(headerText(value));
    else out[lower] = SECRET_NAMES.has(lower) ? REDACTED : headerText(value);
  }
  return out;
}

/** A copy with every secret-named field replaced, at any depth (bounded: bodies are depth-checked on the way in). */
function redactValue(value: unknown, names: ReadonlySet<string> = SECRET_NAMES, depth = 0): unknown {
  if (depth > 70 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, names, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = names.has(key.toLowerCase()) ? REDACTED : redactValue(item, names, depth + 1);
  return out;
}

function redactText(text: string, contentType: string): string {
  if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.stringify(redactValue(JSON.parse(text) as unknown), null, 2);
    } catch {
      // A body cut at the cap is no longer JSON: mask quoted secrets in place.
      return text.replace(/("([A-Za-z_]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, (whole, head: string, key: string) => (SECRET_NAMES.has(key.toLowerCase()) ? `${head}"${REDACTED}"` : whole));
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType) || /^[\w.%-]+=[^&]*(&[\w.%-]+=[^&]*)*$/.test(text)) {
    const form = new URLSearchParams(text);
    for (const key of [...form.keys()]) if (FORM_SECRET_NAMES.has(key.toLowerCase())) form.set(key, REDACTED);
    return decodeURIComponent(form.toString().replace(/\+/g, ' '));
  }
  return text;
}

function requestBodyText(body: unknown, contentType: string): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return redactText(body.length > BODY_CAP ? body.slice(0, BODY_CAP) : body, contentType);
  if (Buffer.isBuffer(body)) return `(${body.length} bytes of ${contentType || 'binary data'})`;
  const text = JSON.stringify(redactValue(body, /x-www-form-urlencoded/i.test(contentType) ? FORM_SECRET_NAMES : SECRET_NAMES), null, 2);
  return text.length > BODY_CAP ? `${text.slice(0, BODY_CAP)}…` : text;
}

function responseBodyText(raw: RawRecord, contentType: string): { text: string | null; truncated: boolean } {
  const body = raw.responseBody;
  if (body === undefined) {
    const streamed = Number(raw.responseHeaders['content-length'] ?? 0);
    return { text: streamed > 0 ? `(${streamed} bytes of ${contentType || 'binary data'}, streamed)` : null, truncated: false };
  }
  const truncated = raw.responseLength !== undefined;
  const textual = /json|text|xml|javascript|html/i.test(contentType) || typeof body === 'string';
  if (!textual) return { text: `(${raw.responseLength ?? body.length} bytes of ${contentType || 'binary data'})`, truncated: false };
  return { text: redactText(typeof body === 'string' ? body : body.toString('utf8'), truncated ? '' : contentType), truncated };
}

/** The response headers as sent: Fastify adds content-length for a string or Buffer payload after onSend. */
function sentHeaders(raw: RawRecord): Record<string, unknown> {
  const headers = raw.responseHeaders;
  const body = raw.responseBody;
  if (headers['content-length'] !== undefined || body === undefined) return headers;
  return { ...headers, 'content-length': raw.responseLength ?? (typeof body === 'string' ? Buffer.byteLength(body) : body.length) };
}

function present(raw: RawRecord): RecordedRequest {
  const auth = raw.requestHeaders.authorization;
  const bearer = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
  const claims = bearer === undefined ? null : decodeClaims(bearer);
  const path = raw.url.split('?')[0] ?? '/';
  const reqType = String(raw.requestHeaders['content-type'] ?? '');
  const responseHeaders = sentHeaders(raw);
  const resType = headerText(responseHeaders['content-type'] ?? '');
  const response = responseBodyText(raw, resType);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id: raw.id,
    at: new Date(raw.at).toISOString(),
    method: raw.method,
    path,
    url: redactUrl(raw.url),
    area: areaOf(path),
    status: raw.status,
    ms: raw.ms,
    appId: raw.appId ?? str(claims?.['appid']) ?? str(claims?.['azp']),
    userId: raw.userId ?? (claims?.['idtyp'] === 'app' ? null : str(claims?.['oid'])),
    user: str(claims?.['upn']) ?? str(claims?.['preferred_username']),
    error: raw.error ?? null,
    fault: raw.fault ?? null,
    requestId: raw.requestId ?? null,
    tokenClaims: claims,
    requestHeaders: redactHeaders(raw.requestHeaders),
    requestBody: requestBodyText(raw.requestBody, reqType),
    responseHeaders: redactHeaders(responseHeaders),
    responseBody: response.text,
    responseBodyTruncated: response.truncated,
  };
}
