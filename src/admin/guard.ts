import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GraphErrors } from '../http/errorCatalogue.js';
import { forbidden, type GraphError } from '../http/errors.js';

/**
 * Who may drive the control API. It hands out client secrets and passwords and mints tokens, so a
 * web page the user happens to visit must not be able to drive it: a browser sends a cross-site form
 * post or a `text/plain` fetch without asking (a "simple" request,
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header), but a JSON content type or a
 * custom header only after a CORS preflight, which the emulator never grants. So a state-changing
 * request must carry one of those, and an Origin header, when present, must be the emulator's own.
 */
export const CONTROL_CLIENT_HEADER = 'x-emulator-client';

/** What the guard needs to know about the running emulator. */
export interface ControlGuardConfig {
  readonly adminToken: string | undefined;
  readonly protocol: 'http' | 'https';
  readonly publicUrl: string | undefined;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
/** Open without the token: readiness probes (route paths, as declared). */
const OPEN_ROUTES = new Set(['/_emulator/health']);

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of the presented token with ours (equal-length digests, so no length leak either). */
function tokenMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The dashboard's session cookie. A browser cannot add the admin token to what it fetches by itself
 * (an EventSource or a <video> sends no Authorization header), so the dashboard exchanges the token
 * once (POST /_emulator/session with "Authorization: Bearer TOKEN") for this cookie: HttpOnly (no
 * script reads it), SameSite=Strict (no other site's page makes the browser send it), Secure over
 * HTTPS, Path=/_emulator. It stands for the token but is not the token: an HMAC of it, so it needs no
 * server state and stops working when the emulator starts with another token. Unlike the bearer token
 * it is ambient, so it never waives the rule below for state-changing requests (JSON or
 * X-Emulator-Client, own Origin).
 */
export const SESSION_COOKIE = 'gce_dashboard_session';

export function sessionValue(adminToken: string): string {
  return createHmac('sha256', adminToken).update('graph-comms-emulator dashboard session').digest('base64url');
}

/** The Set-Cookie value that starts a dashboard session. */
export function sessionCookie(adminToken: string, protocol: 'http' | 'https'): string {
  return `${SESSION_COOKIE}=${sessionValue(adminToken)}; Path=/_emulator; HttpOnly; SameSite=Strict${protocol === 'https' ? '; Secure' : ''}`;
}

function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The origin `value` names, normalized (default ports dropped), or undefined for `null` and garbage. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** Why this control-API request is refused, or undefined when it may go on. */
export function controlRefusal(request: FastifyRequest, config: ControlGuardConfig): GraphError | undefined {
  const tokenOk = config.adminToken !== undefined && tokenMatches(bearerOf(request), config.adminToken);
  const sessionOk = config.adminToken !== undefined && !tokenOk && request.headers.authorization === undefined && tokenMatches(sessionCookieOf(request), sessionValue(config.adminToken));
  if (config.adminToken !== undefined && !tokenOk && !sessionOk && !OPEN_ROUTES.has(request.routeOptions.url ?? '')) {
    return GraphErrors.invalidAuthenticationToken(
      request.headers.authorization !== undefined
        ? 'The admin token in the Authorization header is not the one the emulator was started with (--admin-token, or the one printed in the ready line).'
        : sessionCookieOf(request) !== undefined
          ? 'The dashboard session is not valid for this emulator (it was started with another admin token): enter the admin token in the dashboard again.'
          : 'The control API needs the admin token: send "Authorization: Bearer TOKEN" with the token given to --admin-token (or printed in the ready line); the dashboard asks for it once.',
      { headers: { 'WWW-Authenticate': 'Bearer realm="graph-comms-emulator control API"' } },
    );
  }
  if (!STATE_CHANGING.has(request.method)) return undefined;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = [originOf(`${config.protocol}://${request.headers.host ?? ''}`), config.publicUrl !== undefined ? originOf(config.publicUrl) : undefined];
    const theirs = originOf(origin);
    if (theirs === undefined || !own.includes(theirs)) {
      return forbidden(
        `Refused: the request comes from a web page at ${JSON.stringify(origin.slice(0, 200))}, not from the emulator's own origin. ` +
          'The control API takes state-changing requests from scripts and tools, or from pages it serves itself.',
      );
    }
  }
  const type = request.headers['content-type'];
  if ((typeof type === 'string' && JSON_TYPE.test(type)) || request.headers[CONTROL_CLIENT_HEADER] !== undefined || tokenOk) return undefined;
  return forbidden(
    `Refused: a ${request.method} to the control API must carry "Content-Type: application/json" or an "X-Emulator-Client" header (any value), ` +
      'which a web page cannot send cross-site without the emulator agreeing. For a request without a body, send "X-Emulator-Client: 1".',
  );
}
