/**
 * Graph's error envelope (DC:concepts/errors.md; graph-schema `microsoft.graph.ODataErrors.ODataError`).
 * Anything thrown inside a Graph handler that is not a GraphError becomes a 500 in this shape too.
 */

export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface GraphErrorOptions {
  target?: string;
  details?: GraphErrorDetail[];
  /** Extra response headers, e.g. Retry-After on 429/503 or WWW-Authenticate on 401. */
  headers?: Record<string, string>;
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly target: string | undefined;
  readonly details: GraphErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: GraphErrorOptions = {}) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.target = options.target;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (message: string, code = 'BadRequest'): GraphError => new GraphError(400, code, message);
export const notFound = (message: string, code = 'NotFound'): GraphError => new GraphError(404, code, message);
export const forbidden = (message: string, code = 'Forbidden'): GraphError => new GraphError(403, code, message);

/** A Graph path or method the emulator does not serve (delta-query-overview.md's 501 sample). */
export const notImplemented = (method: string, path: string): GraphError =>
  new GraphError(501, 'NotImplemented', `This operation target is not yet supported: ${method} ${path} is not emulated by graph-comms-emulator.`);

/** A known path asked with a method it does not take; `Allow` lists the ones it does. */
export const methodNotAllowed = (method: string, allowed: readonly string[]): GraphError =>
  new GraphError(405, 'methodNotAllowed', `The method '${method}' is not supported for this URL.`, { headers: { Allow: allowed.join(', ') } });

/** ODL's wording when the request body is not JSON (it says "response" where it means the request). */
export const unsupportedMediaType = (contentType: string): GraphError =>
  new GraphError(
    415,
    'RequestBodyRead',
    `A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'application/json' matches the content type '${contentType}'.`,
  );

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: GraphErrorDetail[];
    innerError: {
      date: string;
      'request-id': string;
      'client-request-id': string;
    };
  };
}

/** Graph sends innerError.date without fractional seconds and without a zone designator. */
export function innerErrorDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

export function graphErrorBody(
  err: GraphError,
  ids: { requestId: string; clientRequestId: string },
  now: Date,
): GraphErrorBody {
  const body: GraphErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      innerError: { date: innerErrorDate(now), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
  if (err.target !== undefined) body.error.target = err.target;
  if (err.details !== undefined) body.error.details = err.details;
  return body;
}

/** SQLITE_TOOBIG, SQLITE_MISMATCH, SQLITE_RANGE. */
const SQLITE_DATA_EXCEPTIONS = new Set([18, 20, 25]);

/**
 * A store error caused by the request's data rather than by the emulator: PostgreSQL's SQLSTATE class
 * 22 (data exception: a value out of range, bad encoding) and SQLite's equivalents. Input validation
 * should catch these first; if one slips through, the client still gets a 400, not a 500.
 */
export function storeDataError(err: unknown): GraphError | undefined {
  const { code, errcode } = (err ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof code !== 'string') return undefined;
  const postgresDataException = /^22[0-9A-Z]{3}$/.test(code);
  // better-sqlite3 names the code; node:sqlite gives ERR_SQLITE_ERROR and the extended result code
  // (https://nodejs.org/api/sqlite.html, https://www.sqlite.org/rescode.html), whose low byte is the primary one.
  const sqliteDataException =
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_RANGE' ||
    (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_DATA_EXCEPTIONS.has(errcode & 0xff));
  return postgresDataException || sqliteDataException ? badRequest('A value in the request could not be stored or compared.') : undefined;
}
