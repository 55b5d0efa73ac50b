import { endpointState, windowLapsed, type EndpointState, type EndpointTally } from './deliveryPolicy.js';

/** An endpoint's state changed (healthy → delayed → dropping, or back), with the numbers that made it. */
export interface EndpointStateChange {
  endpoint: string;
  from: EndpointState;
  state: EndpointState;
  tally: EndpointTally;
}

/**
 * The slow-endpoint statistics of this instance: notifications and slow answers per endpoint in the
 * current 10-minute window of the virtual clock. Kept per instance, in memory, as Graph's workers
 * keep theirs; the rules themselves are in deliveryPolicy.ts.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 */
export class EndpointHealth {
  private readonly tallies = new Map<string, EndpointTally>();
  private windowStartMs: number | undefined;

  constructor(private readonly onChange: (change: EndpointStateChange) => void = () => undefined) {}

  record(endpoint: string, notifications: number, slow: boolean, nowMs: number): void {
    this.roll(nowMs);
    const tally = this.tallies.get(endpoint) ?? { total: 0, slow: 0 };
    const from = endpointState(tally);
    tally.total += notifications;
    if (slow) tally.slow += notifications;
    this.tallies.set(endpoint, tally);
    const state = endpointState(tally);
    if (state !== from) this.onChange({ endpoint, from, state, tally: { ...tally } });
  }

  /** The endpoint's numbers in the current window (undefined: none yet). */
  tally(endpoint: string): EndpointTally | undefined {
    const tally = this.tallies.get(endpoint);
    return tally === undefined ? undefined : { ...tally };
  }

  state(endpoint: string, nowMs: number): EndpointState {
    this.roll(nowMs);
    return endpointState(this.tallies.get(endpoint));
  }

  private roll(nowMs: number): void {
    if (!windowLapsed(this.windowStartMs, nowMs)) return;
    this.tallies.clear();
    this.windowStartMs = nowMs;
  }
}

/** The warning logged when an endpoint is flagged slow or recovers. */
export function slowEndpointMessage(change: EndpointStateChange): string {
  const { endpoint, state, tally } = change;
  const numbers = `${tally.slow} of its ${tally.total} notifications in the current 10-minute window were answered after 2.9 s (or not within 3 s)`;
  if (state === 'healthy') return `notification endpoint ${endpoint} is no longer flagged slow: ${numbers}`;
  const effect = state === 'dropping' ? 'its notifications are dropped (15 % or more slow)' : 'its notifications are delayed 10 minutes (10 % or more slow)';
  return `notification endpoint ${endpoint} flagged slow: ${effect}; ${numbers}. Graph's slow-endpoint rule (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks); --no-slow-endpoint-rules turns it off`;
}
