import { boundedMessage, excerpt } from '../runtime/excerpt.js';
import { GRAPH_ERROR_CATALOGUE, GraphError, GraphErrors, type GraphErrorDetail, type GraphErrorName } from './errorCatalogue.js';
import { isOutOfSpace } from '../runtime/outOfSpace.js';

/**
 * Graph's error envelope (https://learn.microsoft.com/graph/errors; graph-schema
 * `microsoft.graph.ODataErrors.ODataError`). Anything thrown inside a Graph handler that is not a
 * GraphError becomes a 500 in this shape too. Which errors exist is http/errorCatalogue.ts; the
 * helpers here build the common ones from it.
 */
export { GraphError, type GraphErrorDetail, type GraphErrorOptions } from './errorCatalogue.js';

/** The catalogued codes Graph sends with `status`. */
type CodeWithStatus<S extends number> = Extract<(typeof GRAPH_ERROR_CATALOGUE)[GraphErrorName], { status: S }>['code'];

export const badRequest = (message: string, code: CodeWithStatus<400> = 'BadRequest'): GraphError => new GraphError(400, code, message);
export const notFound = (message: string, code: CodeWithStatus<404> = 'NotFound'): GraphError => new GraphError(404, code, message);
export const forbidden = (message: string, code: CodeWithStatus<403> = 'Forbidden'): GraphError => new GraphError(403, code, message);

/** A Graph path or method the emulator does not serve (the 501 sample of https://learn.microsoft.com/graph/delta-query-overview). */
export const notImplemented = (method: string, path: string): GraphError =>
  GraphErrors.notImplemented(`This operation target is not yet supported: ${excerpt(method)} ${excerpt(path)} is not emulated by graph-comms-emulator.`);

/** A known path asked with a method it does not take; `Allow` lists the ones it does. */
export const methodNotAllowed = (method: string, allowed: readonly string[]): GraphError =>
  GraphErrors.methodNotAllowed(`The method '${excerpt(method)}' is not supported for this URL.`, { headers: { Allow: allowed.join(', ') } });

/** ODL's wording when the request body is not JSON (it says "response" where it means the request). */
export const unsupportedMediaType = (contentType: string): GraphError =>
  GraphErrors.requestBodyRead(
    `A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'application/json' matches the content type '${excerpt(contentType)}'.`,
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

export function graphErrorBody(err: GraphError, ids: { requestId: string; clientRequestId: string }, now: Date): GraphErrorBody {
  const body: GraphErrorBody = {
    error: {
      code: err.code,
      // Bounded here as well as where input is quoted (runtime/excerpt.ts): no error body grows with the request.
      message: boundedMessage(err.message),
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
    code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE' || (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_DATA_EXCEPTIONS.has(errcode & 0xff));
  return postgresDataException || sqliteDataException ? badRequest('A value in the request could not be stored or compared.') : undefined;
}

/** Seconds a client is asked to wait after a 507: freeing space is someone's manual step, not a blip. */
export const OUT_OF_SPACE_RETRY_AFTER_SECONDS = 60;

/**
 * The store out of space (store/outOfSpace.ts: SQLite's SQLITE_FULL, PostgreSQL's disk_full, ENOSPC):
 * Graph's 507 Insufficient Storage (https://learn.microsoft.com/graph/errors) rather than a 500 that
 * reads as a bug, or a 503 that reads as overload and that Graph SDKs' retry handlers (429, 503, 504)
 * would retry at once. Nothing was half-written (the transaction rolled back), so the request can be
 * sent again as it is once space is freed; Retry-After says when to try.
 */
export function storeSpaceError(err: unknown): GraphError | undefined {
  if (!isOutOfSpace(err)) return undefined;
  return GraphErrors.insufficientStorage('The emulator’s store is out of space: nothing was written. Free disk space (or raise the quota) and send the request again.', {
    headers: { 'Retry-After': String(OUT_OF_SPACE_RETRY_AFTER_SECONDS) },
  });
}
