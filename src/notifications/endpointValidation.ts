import { excerpt } from '../runtime/excerpt.js';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { DestinationPolicy } from './destinationPolicy.js';
import { post, PostFailed } from './httpPost.js';

/** Graph's validation handshake allows the endpoint 10 seconds (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation). */
export const VALIDATION_TIMEOUT_MS = 10_000;

/** The subscription-creation codes a failed endpoint check is answered with. */
type EndpointErrorCode = 'InvalidRequest' | 'ValidationError';

/** `refused`: the destination policy's reason, when the handshake was not sent at all. */
export type EndpointCheck = { ok: true } | { ok: false; code: EndpointErrorCode; message: string; refused?: string };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname.toLowerCase()) || hostname.toLowerCase().endsWith('.localhost')) return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/**
 * Graph takes only https notification URLs. The emulator also takes http:// on loopback (a local
 * receiver needs no certificate), and on hosts the operator allowed by name, unless it runs with `strict`.
 */
export function checkEndpointUrl(property: string, text: string, strict: boolean, destinations?: DestinationPolicy): { ok: true; url: URL } | { ok: false; code: EndpointErrorCode; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, code: 'InvalidRequest', message: `Invalid ${property} '${excerpt(text)}': it must be an absolute https URL.` };
  }
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && !strict && (isLoopback(url.hostname) || destinations?.allowsByName(url) === true)) return { ok: true, url };
  const rule = strict ? 'it must use https' : 'it must use https (http is accepted on loopback only, and on hosts allowed with --allow-notification-host)';
  return { ok: false, code: 'InvalidRequest', message: `Invalid ${property} '${excerpt(text)}': ${rule}.` };
}

/**
 * The validation handshake
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation):
 * POST `{url}?validationToken=…` (the URL's own query kept) as text/plain; the endpoint must answer 200, text/plain, with the token exactly, within 10 seconds.
 */
export async function validateEndpoint(url: URL, destinations: DestinationPolicy, timeoutMs = VALIDATION_TIMEOUT_MS): Promise<EndpointCheck> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.append('validationToken', token);
  const failed = { ok: false as const, code: 'ValidationError' as const, message: 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.' };
  try {
    // A one-off connection: notifications later connect (and are checked) afresh.
    const res = await post(target, '', 'text/plain; charset=utf-8', timeoutMs, destinations, false);
    if (res.status !== 200 || !/^text\/plain\b/i.test(res.contentType)) return failed;
    if (res.body !== token) {
      return { ok: false, code: 'ValidationError', message: 'Subscription validation request failed. Response must exactly match validationToken query parameter.' };
    }
    return { ok: true };
  } catch (err) {
    if (err instanceof PostFailed && err.refused) return { ...failed, code: 'InvalidRequest', refused: err.message.replace(/^not sent: /, '') };
    if (err instanceof PostFailed && err.timedOut) return { ok: false, code: 'InvalidRequest', message: 'Subscription validation request timed out.' };
    return failed;
  }
}
