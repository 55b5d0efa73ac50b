import { STATE_TOKEN_LIFETIME_MS, type TokenState } from '../../domain/stateTokens.js';
import { badRequest, GraphError } from '../../http/errors.js';
import type { GraphServices } from '../graphServices.js';

export const tamperedToken = (): GraphError => badRequest('The state token (skipToken or deltaToken) is invalid: it was not issued by this service, or it was altered.', 'BadRequest');

/**
 * 410 Gone with a `Location` to start over from: the round's first URL with an empty $deltatoken
 * (https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset).
 */
export const resyncRequired = (location: string): GraphError =>
  new GraphError(410, 'resyncRequired', 'The state token is no longer valid. Start a new round of synchronization from the URL in the Location header.', {
    headers: { Location: location },
  });

/**
 * Check a skip/delta token (domain/stateTokens.ts): a bad signature is a 400; a token from before a
 * store reset or too old (at `nowMs`, the request's instant) is a 410 whose Location the caller
 * builds from what it knows of the query.
 */
export async function readToken(services: GraphServices, token: string, resyncLocation: (state: TokenState | undefined) => string, nowMs = services.ctx.clock.nowMs()): Promise<TokenState> {
  const checked = await services.deltaTokens.verify(token);
  if (!checked.ok) {
    if (checked.reason === 'stale') throw resyncRequired(resyncLocation(undefined));
    throw tamperedToken();
  }
  if (nowMs - checked.state.issuedAtMs > STATE_TOKEN_LIFETIME_MS) throw resyncRequired(resyncLocation(checked.state));
  return checked.state;
}
