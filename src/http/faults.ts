import type { FaultInjector } from '../runtime/faults.js';
import type { GraphErrorCode } from './errorCatalogue.js';
import { GraphError } from './errors.js';

const CODES: Partial<Record<number, GraphErrorCode>> = { 401: 'InvalidAuthenticationToken', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Gone', 412: 'PreconditionFailed' };

/** Rules are written with plain characters (`users/adele@contoso…`); clients may percent-encode them. */
function decodedPath(url: string): string {
  const path = url.split('?')[0] || '/';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Apply the fault rules to one request: wait out any injected latency, then return the Graph error
 * to answer with (429 TooManyRequests, 503 serviceNotAvailable, ... with Retry-After), if any.
 */
export async function injectedFault(faults: FaultInjector, method: string, url: string, applied?: (description: string) => void): Promise<GraphError | undefined> {
  if (!faults.hasRules) return undefined;
  const fault = faults.decide(method, decodedPath(url));
  if (fault === undefined) return undefined;
  applied?.([fault.status !== undefined ? `status ${fault.status}` : '', fault.latencyMs > 0 ? `latency ${fault.latencyMs} ms` : ''].filter((part) => part !== '').join(', '));
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.status === undefined) return undefined;
  const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  switch (fault.status) {
    case 429:
      return new GraphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.', { headers });
    case 500:
      return new GraphError(500, 'generalException', 'An internal server error occurred (injected fault).', { headers });
    case 502:
      return new GraphError(502, 'badGateway', 'Bad gateway (injected fault).', { headers });
    case 503:
      return new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', { headers });
    case 504:
      return new GraphError(504, 'gatewayTimeout', 'The operation timed out.', { headers });
    default:
      return new GraphError(fault.status, CODES[fault.status] ?? (fault.status >= 500 ? 'generalException' : 'BadRequest'), `Injected fault ${fault.status}.`, { headers });
  }
}
