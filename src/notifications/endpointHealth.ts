import { endpointState, windowLapsed, type EndpointState, type EndpointTally } from './deliveryPolicy.js';

/**
 * The slow-endpoint statistics of this instance: notifications and slow answers per endpoint in the
 * current 10-minute window of the virtual clock. Kept per instance, in memory, as Graph's workers
 * keep theirs; the rules themselves are in deliveryPolicy.ts.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 */
export class EndpointHealth {
  private readonly tallies = new Map<string, EndpointTally>();
  private windowStartMs: number | undefined;

  record(endpoint: string, notifications: number, slow: boolean, nowMs: number): void {
    this.roll(nowMs);
    const tally = this.tallies.get(endpoint) ?? { total: 0, slow: 0 };
    tally.total += notifications;
    if (slow) tally.slow += notifications;
    this.tallies.set(endpoint, tally);
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
