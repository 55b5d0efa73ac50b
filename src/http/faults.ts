import type { FaultInjector } from '../simulation/faults.js';
import { GraphError } from './errors.js';

/**
 * Apply the fault rules to one request: wait out any injected latency, then return the Graph error
 * to answer with (429 TooManyRequests, 503 serviceNotAvailable, ... with Retry-After), if any.
 */
export async function injectedFault(faults: FaultInjector, method: string, url: string): Promise<GraphError | undefined> {
  const fault = faults.decide(method, url.split('?')[0] ?? '/');
  if (fault === undefined) return undefined;
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.status === undefined) return undefined;
  const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  switch (fault.status) {
    case 429:
      return new GraphError(429, 'TooManyRequests', 'Please retry again later.', { headers });
    case 503:
      return new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', { headers });
    case 504:
      return new GraphError(504, 'gatewayTimeout', 'The operation timed out.', { headers });
    default:
      return new GraphError(fault.status, fault.status >= 500 ? 'generalException' : 'BadRequest', `Injected fault ${fault.status}.`, { headers });
  }
}
